"""A day/month/year input with a year too large for a date is a field error, never a 500."""

from __future__ import annotations

import pytest

from workflows.date_input import DatePartsField


@pytest.mark.parametrize("field", [DatePartsField(label="Date")])
def test_a_year_too_large_for_a_date_is_enter_a_real_date(field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        field.compress([1, 1, 99999999999999999999])

    assert "Enter a real date." in refused.value.messages
