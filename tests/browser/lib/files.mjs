// Files the flows upload and download: the demo photos, a photo that breaks
// the rules (made with ImageMagick), and the text of a downloaded PDF.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './server.mjs';

const DEMO_PHOTOS = path.join(ROOT, 'sql', 'demo', 'photos');

// 110000000002's uploads: the reference provider matches one, not the other.
export const MATCHING_PHOTO = path.join(DEMO_PHOTOS, '110000000002-upload-match.jpg');
export const NON_MATCHING_PHOTO = path.join(DEMO_PHOTOS, '110000000002-upload-nomatch.jpg');

// Not an ID photo: ImageMagick's built-in rose picture at 120×150, without
// metadata — too small a file, wrong pixels and no resolution, several
// problems for the pre-check to list (and a preview one can see).
export function badPhoto(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'not-an-id-photo.jpg');
  execFileSync('convert', ['rose:', '-resize', '120x150!', '-strip', file]);
  return file;
}

export function pdfText(file) {
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}
