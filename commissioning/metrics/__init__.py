"""The metrics of DESIGN §7: `catalogue` says what each one counts, `evaluator` computes them."""
