// The portal's flows in the PC layout (1366×768); the photo comparison matches.
import { DESKTOP } from './lib/browser.mjs';
import { portalTests } from './lib/flows.mjs';

portalTests(DESKTOP, { comparison: 'match' });
