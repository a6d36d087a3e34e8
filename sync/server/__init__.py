"""The provincial sync server: a Starlette app on uvicorn over the provincial store."""
