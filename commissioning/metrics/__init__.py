"""The metrics of DESIGN §7: `catalogue` says what each one counts, `evaluator` computes them;
metrics kept in modules of their own register here."""

from commissioning.metrics import advice as advice
