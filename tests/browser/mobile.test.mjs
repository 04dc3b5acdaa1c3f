// The portal's flows in the mobile (H5) layout (375×667, touch); the photo
// comparison does not match, so the on-site review path is covered too.
import { MOBILE } from './lib/browser.mjs';
import { portalTests } from './lib/flows.mjs';

portalTests(MOBILE, { comparison: 'no match' });
