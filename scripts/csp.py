#!/usr/bin/env python3
"""Trunk post-build hook: allow trunk's inline loader script by its SHA-256 hash.

The Content-Security-Policy in index.html admits only this origin plus
'wasm-unsafe-eval'; trunk injects one inline <script type="module"> that loads the
wasm. This replaces CSP_INLINE_HASHES with the hashes of the inline scripts, so
nothing else inline can run. Fails loudly if the placeholder or a script is missing.
"""
import base64, hashlib, os, re, sys

staging = os.environ.get("TRUNK_STAGING_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "dist")
path = os.path.join(staging, "index.html")
html = open(path, encoding="utf-8").read()
if "CSP_INLINE_HASHES" not in html:
    sys.exit(f"csp.py: no CSP_INLINE_HASHES placeholder in {path}")
scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
if not scripts:
    sys.exit(f"csp.py: no inline script found in {path}")
hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
    for s in scripts
)
open(path, "w", encoding="utf-8").write(html.replace("CSP_INLINE_HASHES", hashes))
print(f"csp.py: {len(scripts)} inline script(s) hashed into the Content-Security-Policy")
