"""What signing in says when it fails: the same words from the API and from the pages."""

from __future__ import annotations

SIGN_IN_FAILED = "Enter a correct email address and password."
ENTER_CODE = "Enter the 6-digit code from your authenticator app."
WRONG_CODE = "The code is not right, or was used already: enter the app's current code."
