"""Assessment: household verdicts against the standard, multidimensional poverty, exit checks and sampling."""
