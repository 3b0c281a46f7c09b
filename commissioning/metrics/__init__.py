"""The metrics of DESIGN §7: `catalogue` says what each one counts, `evaluator` computes them.

Metrics kept in modules of their own register themselves when imported: importing them with the
package makes the catalogue whole wherever it is read."""

from commissioning.metrics import advice as advice
from commissioning.metrics import disputes as disputes
