from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from budgets.models import PENCE
from budgets.selectors import MONEY_SIGN, child_budgets
from workflows.templatetags.govuk import money

register = template.Library()


@register.simple_tag
def budgets_of(child: Any, user: Any) -> list[Any]:
    """The child's budgets this user may see, each with its balances."""
    return child_budgets(user, child.pk)


@register.filter
def signed_money(amount: Decimal | None) -> str:
    """Money in or out of a budget: +£1,200.00 in, −£85.00 out (a real minus sign), £0.00."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(PENCE)
    return f"+{money(value)}" if value > 0 else money(value)


@register.filter
def change_from(amount: Decimal | None, before: Decimal | None) -> str:
    """How far an amount moved from an earlier one, signed: +£250.00."""
    if amount is None or before is None:
        return ""
    return signed_money(Decimal(amount) - Decimal(before))


@register.filter
def entry_amount(entry: Any) -> str:
    """A ledger entry's amount as the statement signs it; money set aside is not money out."""
    sign = MONEY_SIGN[entry.kind]
    return signed_money(entry.amount * sign) if sign else money(entry.amount)
