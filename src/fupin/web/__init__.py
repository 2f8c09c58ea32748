"""Server-rendered pages (Jinja2, forms that work without JavaScript) and the app factory that also mounts the API."""
