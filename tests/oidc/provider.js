// A real OpenID Connect provider (the npm package oidc-provider) for the sign-in tests.
// Usage: node provider.js PORT REDIRECT_URI [REDIRECT_URI...]
// One confidential test client ("techmap-test", secret "techmap-test-secret"). Its built-in
// development sign-in form accepts any login: the login is the account's email, and an account
// whose email starts with "admin" carries techmap_role "admin" (the role claim the tests map);
// others carry no role claim, so only their email domain can let them in.
// POST /__test__/tamper-next makes the next token response carry an ID token whose payload was
// altered after signing, so the tests can check that the app refuses it.
import Provider from 'oidc-provider';

const [port, ...redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
let tamperNext = false;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'techmap-test',
    client_secret: 'techmap-test-secret',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'techmap_role'] },
  conformIdTokenClaims: false, // the ID token itself carries email, name and the role claim
  pkce: { required: () => true },
  cookies: { keys: ['techmap-test-cookie-key'] },
  async findAccount(_ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id,
          email_verified: true,
          name: `Test ${id.split('@')[0]}`,
          ...(id.startsWith('admin') ? { techmap_role: 'admin' } : {}),
        };
      },
    };
  },
});

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test__/tamper-next' && ctx.method === 'POST') {
    tamperNext = true;
    ctx.body = 'ok';
    return;
  }
  await next();
  if (tamperNext && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    tamperNext = false;
    const [header, payload, signature] = ctx.body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.email = 'intruder@borough.gov.uk';
    claims.techmap_role = 'admin';
    ctx.body = { ...ctx.body, id_token: [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.') };
  }
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
