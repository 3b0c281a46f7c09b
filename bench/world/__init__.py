"""The parts of a generated caseload, one module each, written in this order by
`bench.generate.generate`: staff, casework, budgets, short breaks, families."""
