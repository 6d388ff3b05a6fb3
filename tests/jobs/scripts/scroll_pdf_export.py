"""Export a page to PDF with the Scroll PDF Exporter REST API.

Written as Scroll PDF users write it (standard library only), and run unchanged
against Pressroom by ``test_scroll_pdf_script.py``:

    python scroll_pdf_export.py BASE_URL PAGE_ID TEMPLATE_ID (--basic USER:PASSWORD | --token PAT)
"""

import argparse
import base64
import json
import os
import sys
import time
import urllib.parse
import urllib.request

API = "/plugins/servlet/scroll-pdf/api/public/1"


def call(url, auth, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", auth)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("page_id")
    parser.add_argument("template_id")
    parser.add_argument("--basic")
    parser.add_argument("--token")
    parser.add_argument("--scope", default="descendants")
    parser.add_argument("--out-dir", default=".")
    args = parser.parse_args()
    if args.token:
        auth = f"Bearer {args.token}"
    else:
        auth = "Basic " + base64.b64encode(args.basic.encode()).decode()

    job = json.loads(
        call(
            args.base + API + "/exports",
            auth,
            "POST",
            {"pageId": args.page_id, "scope": args.scope, "templateId": args.template_id},
        )
    )
    status_url = f"{args.base}{API}/exports/{job['jobId']}/status"
    while True:
        status = json.loads(call(status_url, auth))
        print(f"Step {status['step']} of {status['totalSteps']} ({status['stepProgress']}%)")
        if status["status"] != "incomplete":
            break
        time.sleep(2)
    if status["status"] != "complete":
        print(f"Export failed: {status}", file=sys.stderr)
        sys.exit(1)
    url = status["downloadUrl"]
    file_name = urllib.parse.unquote(url.rsplit("/", 1)[-1])
    path = os.path.join(args.out_dir, file_name)
    with open(path, "wb") as out:
        out.write(call(url, auth))
    print(f"Download the PDF File: {path}")


if __name__ == "__main__":
    main()
