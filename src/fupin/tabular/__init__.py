"""Spreadsheets in and out: reading CSV/XLSX as text tables, layouts as data, and writing workbooks."""
