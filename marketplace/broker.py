"""kombu's Redis transport, with one correction that keeps a worker alive through a Redis outage.

Selected by ``CELERY_BROKER_TRANSPORT`` (settings/worker.py) whenever ``REDIS_URL`` is set; it is
kombu's own transport in every other respect.

What goes wrong without it (Celery 5.7.0, kombu 5.7.0, the latest releases; Celery 5.6.x does
not have the second step). When Redis goes away under a worker that holds unacknowledged
messages — a task running with ``acks_late``, or one waiting for its countdown, such as the
debounced reputation recalculation — the consumer's recovery does, in order:

1. ``connection.collect()``: closing the channel first drains its outstanding ``BRPOP``, which
   raises a connection error (Redis is down); kombu swallows it, so the channel stays *open*.
   ``collect`` then detaches the transport from its connection (``transport.client = None``).
2. ``connection.close()`` (added in Celery 5.7.0 to release the broken socket): closes that
   channel again, which hands its unacknowledged messages back (``restore_unacked``) through a
   new connection pool built from ``transport.client`` — now ``None``. The ``AttributeError``
   (``'NoneType' object has no attribute 'hostname'``) is not a connection error, so nothing
   catches it: "Unrecoverable error", and the worker process exits for good.

The correction: a channel whose transport has been detached answers every attempt to reach
Redis with a *connection error*. That is the truth (there is no connection to use), and it is
what kombu and Celery already handle on this path: the close is abandoned quietly and the
consumer reconnects once Redis is back.

Nothing is lost by abandoning that restore: the messages are still in Redis's ``unacked`` hash
(when Redis kept its data), and any worker gives them back to the queue once the visibility
timeout (``CELERY_VISIBILITY_TIMEOUT``) has passed. Redis could not have been reached to restore
them earlier anyway. What Redis itself lost, the periodic sweeps find again from the database.

Remove this module (and the setting) once a Celery or kombu release no longer crashes in
``tests/marketplace/test_broker_outage.py`` with the stock transport.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            raise RedisConnectionError(
                "The broker connection was closed after it was lost; reconnecting."
            )
        # kombu's private hook, missing from celery-types' stubs.
        return super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]


class Transport(kombu_redis.Transport):
    Channel = Channel
