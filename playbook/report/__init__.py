"""Stage 5, outputs: HTML, Markdown and JSON rendering, PDF, charts, brand, the form, the baseline comparison, the catalog."""
