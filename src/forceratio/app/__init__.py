"""The explorer: a local web page over the scenarios (``forceratio app``).

:mod:`.model` answers the page's questions with plain data (no web framework); :mod:`.server`
serves it as a small JSON API and one static page (Starlette, run by uvicorn).
"""
