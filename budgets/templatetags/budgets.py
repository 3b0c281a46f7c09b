from __future__ import annotations

from typing import Any

from django import template

from budgets.selectors import child_budgets

register = template.Library()


@register.simple_tag
def budgets_of(child: Any, user: Any) -> list[Any]:
    """The child's budgets this user may see, each with its balances."""
    return child_budgets(user, child.pk)
