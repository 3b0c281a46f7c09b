"""A 20 MB document through the API and back (DESIGN §12): the upload is parsed to a temporary
file as it arrives and the download streamed from storage, so the process's peak memory grows by
a few chunks, not by the file.

The request goes straight to Django's WSGI handler with its body read from a file on disk, as a
server would hand it over: the test client would build the whole body in memory first, and
measure itself.
"""

from __future__ import annotations

import io
import json
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

BOUNDARY = "pathway-bench-boundary"
MB = 1024 * 1024
CHUNK = 64 * 1024


def _write_body(folder: Path, fields: dict[str, str], size: int) -> Path:
    """A multipart body with a plain-text file of `size` bytes, written in chunks."""
    body = folder / "body"
    with body.open("wb") as out:
        for name, value in fields.items():
            out.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        out.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="report.txt"\r\nContent-Type: text/plain\r\n\r\n'.encode()
        )
        line = b"A line of the school's report on the child, written for the bench.\n"
        block = line * (CHUNK // len(line))
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            written += len(piece)
        out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    return body


def _call(environ: dict[str, Any]) -> tuple[int, Any]:
    """Django's own handler and middleware, as the test client uses them (without closing the
    database connection between requests), but fed the body from disk."""
    from django.test.client import ClientHandler

    response = ClientHandler()(environ)
    return response.status_code, response


def _environ(method: str, path: str, token: str, **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.url_scheme": "http",
        "wsgi.errors": tempfile.TemporaryFile(),
        "wsgi.input": io.BytesIO(),
        **extra,
    }


def _round_trip(token: str, child_id: int, size: int, folder: Path) -> tuple[int, int]:
    fields = {"child": str(child_id), "kind": "report", "visibility": "team"}
    body = _write_body(folder, fields, size)
    with body.open("rb") as stream:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        status, response = _call(
            _environ(
                "POST",
                "/api/v1/documents/",
                token,
                CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
                CONTENT_LENGTH=str(body.stat().st_size),
                **{"wsgi.input": stream},
            )
        )
        upload_peak = tracemalloc.get_traced_memory()[1] - before
    if status != 201:
        raise RuntimeError(f"The upload answered {status}: {response.content[:500]!r}")
    download = json.loads(response.content)["download"]
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    status, response = _call(_environ("GET", download, token))
    received = sum(len(chunk) for chunk in response)
    download_peak = tracemalloc.get_traced_memory()[1] - before
    if status != 200 or received != size:
        raise RuntimeError(f"The download answered {status} with {received} bytes of {size}")
    return upload_peak, download_peak


def round_trip_peak(*, token: str, child_id: int, size: int) -> tuple[int, int]:
    """The peak memory (bytes, by tracemalloc) of uploading a `size`-byte document for the
    child through the API, and of downloading it whole; each from the memory in use before.

    A small document goes first, untraced: a process's first request imports the URL conf and
    every view module (some 40 MB, once), which is no part of what a file costs."""
    with tempfile.TemporaryDirectory() as folder:
        tracemalloc.start()
        try:
            _round_trip(token, child_id, 1024, Path(folder))
            return _round_trip(token, child_id, size, Path(folder))
        finally:
            tracemalloc.stop()


def measure(database: str, row: Any, practitioner: Any) -> list[dict[str, Any]]:
    """One row: the larger of the two peaks against DESIGN §12's 5 MB. The file is written to a
    folder of its own, removed afterwards."""
    from django.test import override_settings

    from accounts.services import token_issue
    from casework.models import Child

    child = Child.objects.filter(team__memberships__user=practitioner).order_by("pk").first()
    token = token_issue(by=practitioner)[0]
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        peaks = round_trip_peak(token=token, child_id=child.pk, size=20 * MB)
    return [
        row(
            "document upload and download, 20 MB: peak memory growth, MB",
            max(peaks) / MB,
            5.0,
            1.0,
            database,
        )
    ]
