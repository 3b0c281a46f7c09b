"""Code lists of the SEN2 person-level return, kept as data in one place (DfE SEN2 guide, CBDS).

Where Pathway records something as free text (gender, a placement's name, why a plan ceased),
the return needs a DfE code that a person must choose: `export_sen2` leaves the field empty and
lists the record in its validation report rather than guess. They live in casework, below
commissioning, because the referral form asks the child's sex and ethnicity with them.
"""

from __future__ import annotations

SEX = {"male": "M", "m": "M", "boy": "M", "female": "F", "f": "F", "girl": "F"}
SEX_UNKNOWN = "U"
# What the pages offer, stored as words that `SEX` codes; not recorded is left empty.
SEX_CHOICES = [("female", "Female"), ("male", "Male")]

# CBDS main ethnicity codes.
ETHNICITY = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

# SEN type: Pathway's primary needs are the SEN2 types, but for Down syndrome, which SEN2 counts
# under the learning difficulty or "other" a practitioner records; Pathway reports it as OTH.
SEN_TYPE = {
    "SPLD": "SPLD",
    "MLD": "MLD",
    "SLD": "SLD",
    "PMLD": "PMLD",
    "SEMH": "SEMH",
    "SLCN": "SLCN",
    "HI": "HI",
    "VI": "VI",
    "MSI": "MSI",
    "PD": "PD",
    "ASD": "ASD",
    "DS": "OTH",
    "OTH": "OTH",
}

# Request outcome, by the EHC plan's status once the decision to assess is made.
REQUEST_OUTCOME = {"refused": "N"}  # any other decided status: the LA agreed to assess
REQUEST_AGREED = "A"

# Assessment outcome: a plan is issued (Y) or the LA decided not to issue one (N).
ASSESSMENT_ISSUE = "Y"
ASSESSMENT_NOT_ISSUE = "N"

# Annual review decision.
REVIEW_OUTCOME = {"maintain": "M", "amend": "A", "cease": "C"}

UPN_PATTERN = r"^[A-Z][0-9]{11}[0-9A-Z]$"
