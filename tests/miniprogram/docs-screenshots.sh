#!/usr/bin/env bash
# Refreshes the README's mini-program pictures (docs/screenshots/miniprogram-*.png)
# from the screens the latest run.sh saved (tests/out/miniprogram/screens/):
# screenshots.mjs renders each in Debian's Chromium, then four phones a row,
# reduced to 256 colours to stay small.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
export CICPA_BROWSER_OUT=${CICPA_MINIPROGRAM_OUT:-$root/tests/out/miniprogram}
shots=$CICPA_BROWSER_OUT/shots
docs=$root/docs/screenshots
mkdir -p "$docs"
cd "$here"
node screenshots.mjs "$shots"

# row NAME SCREEN...: the phones side by side.
row() {
    local name=$1
    shift
    convert "${@/#/$shots/}" -bordercolor '#cccccc' -border 1 +append -colors 256 -strip "PNG8:$docs/$name.png"
}
row miniprogram-login 01-login.png 13-forgot.png 02-home.png 07-certificate.png
row miniprogram-photo 03-no-photo.png 04-photo-source.png 05-photo-problems.png 06-match.png
row miniprogram-review 09-no-match.png 10-contacts.png 11-incomplete.png 08-confirm.png
ls -l "$docs"/miniprogram-*.png
