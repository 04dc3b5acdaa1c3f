// A stand-in for the association's SMS gateway (docs/sms.md) on loopback:
// it checks the request's HMAC signature and keeps every message, so a test
// can read the password-recovery code a member would get on their phone.
import crypto from 'node:crypto';
import http from 'node:http';

export const SMS_KEY = 'browser-tests-sms-key-not-a-secret';

function signatureOk(timestamp, body, signature) {
  const expected = crypto.createHmac('sha256', SMS_KEY).update(`${timestamp}.`).update(body).digest('hex');
  return typeof signature === 'string' && signature.length === expected.length
    && crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

// Resolves with { url, codeFor(mobile), close() }.
export function startSmsGateway() {
  const messages = [];
  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!signatureOk(request.headers['x-cicpa-timestamp'], body, request.headers['x-cicpa-signature'])) {
        response.writeHead(401).end();
        return;
      }
      messages.push(JSON.parse(body.toString('utf8')));
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"accepted":true}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/sms`,
      // The code of the latest message to mobile.
      codeFor(mobile) {
        const message = messages.filter((m) => m.mobile === mobile).pop();
        return message && message.params.code;
      },
      close: () => new Promise((done) => server.close(done)),
    }));
  });
}
