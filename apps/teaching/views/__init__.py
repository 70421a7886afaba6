"""The teaching area (/teach/), one module per section; `access` holds what every view
goes through (teacher_required and the helpers that fetch what a user may see)."""
