"""The local offer published as Open Referral UK v3 (issue #21): a public, read-only API."""
