#!/usr/bin/env bash
# Refreshes the README's screenshots (docs/screenshots/) from the latest
# browser test run (tests/out/browser/screenshots/, made by run.sh): the
# first screen of a few PC pages, and four mobile screens side by side,
# scaled down and reduced to 256 colours to stay small.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
shots=${CICPA_BROWSER_OUT:-$root/tests/out/browser}/screenshots
docs=$root/docs/screenshots
mkdir -p "$docs"

# pc NAME SHOT: the first 1366×768 of a PC screenshot, 960 pixels wide.
pc() {
    convert "$shots/desktop/$2.png" -crop 1366x768+0+0 +repage -resize 960x \
        -colors 256 -strip "PNG8:$docs/$1.png"
}
pc login 01-login
pc certificate 03-certificate
pc confirm 04-confirm
pc photo-check 07-photo-problems

# The mobile layout: four first screens (375×667) in a row.
convert "$shots/mobile/03-certificate.png" "$shots/mobile/07-photo-problems.png" \
        "$shots/mobile/09-photo-no-match.png" "$shots/mobile/13-profile.png" \
        -crop 375x667+0+0 +repage -bordercolor '#cccccc' -border 1 +append \
        -colors 256 -strip "PNG8:$docs/mobile.png"
ls -l "$docs"
