"""Where Garap lives and what it writes, and the environment every settings module reads."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


# Everything the running marketplace writes by itself (SQLite file, broker queue folders, the
# beat schedule, the file cache, uploads in development) lives under one folder, so a demo or a
# CI smoke run can be pointed at a throw-away directory with GARAP_VAR_DIR.
VAR_DIR = Path(env.str("GARAP_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
