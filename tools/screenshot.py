"""Full-page screenshots of a running Bureau, e.g. the `make run` server.

    .venv/bin/python tools/screenshot.py http://127.0.0.1:5000 \\
        --login admin@bureau.test admin-demo-2026 --viewport 1280x800 \\
        / home.png /admin/users users.png

Pages are visited in order in one browser session (after logging in through the form if
--login is given); each is saved as a full-page PNG. Uses Debian's chromium, never a
browser downloaded by Playwright.
"""

import argparse
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urljoin

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


def viewport(value: str) -> dict:
    match = re.fullmatch(r"(\d+)x(\d+)", value)
    if not match:
        raise argparse.ArgumentTypeError("expected WIDTHxHEIGHT, e.g. 1280x800")
    return {"width": int(match[1]), "height": int(match[2])}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Save full-page screenshots of pages of a running Bureau server."
    )
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:5000")
    parser.add_argument(
        "pages",
        nargs="+",
        metavar="PATH OUTFILE.png",
        help="pairs of a path on the server and the PNG file to write",
    )
    parser.add_argument(
        "--login", nargs=2, metavar=("EMAIL", "PASSWORD"), help="log in through the form first"
    )
    parser.add_argument(
        "--viewport", type=viewport, default="1280x800", help="WIDTHxHEIGHT (default 1280x800)"
    )
    parser.add_argument("--locale", default="bg-BG", help="browser locale (default bg-BG)")
    parser.add_argument("--scale", type=float, default=1, help="device scale factor")
    args = parser.parse_intermixed_args(argv)
    if len(args.pages) % 2:
        parser.error("pages must come in pairs: PATH OUTFILE.png [PATH OUTFILE.png ...]")
    args.pairs = list(zip(args.pages[::2], args.pages[1::2], strict=True))
    return args


def log_in(page, base_url: str, email: str, password: str) -> None:
    page.goto(urljoin(base_url, "/login"))
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")
    if "/login" in page.url:
        sys.exit(f"login as {email} failed (still on {page.url})")


def main(argv=None) -> int:
    args = parse_args(argv)
    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("install Debian's chromium: apt-get install chromium")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport=args.viewport,
            locale=args.locale,
            timezone_id="Europe/Sofia",
            device_scale_factor=args.scale,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        if args.login:
            log_in(page, args.base_url, *args.login)
        for path, outfile in args.pairs:
            response = page.goto(urljoin(args.base_url, path), wait_until="networkidle")
            status = response.status if response else "?"
            target = Path(outfile)
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=target, full_page=True)
            print(f"{target}  <-  {path}  (HTTP {status}, at {page.url})")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
