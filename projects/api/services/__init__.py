"""The API of services (jasa): the catalogue a freelancer writes and clients browse."""
