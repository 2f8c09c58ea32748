"""A page form's fields as a plain dict, for forms whose fields come from the field specs (dozens of them)."""

from typing import Annotated

from fastapi import Depends, Request


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form (parsed once per request, also by the CSRF check); files and the token left out."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str) and key != "csrf_token"}


Form = Annotated[dict[str, str], Depends(form_fields)]
