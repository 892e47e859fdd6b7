import { invalidTokenChallenge } from './auth.guard';

describe('the challenge of a token refused', () => {
  it('holds the reason in what a header can carry: ASCII, no quote or backslash', () => {
    const challenge = invalidTokenChallenge('the token\'s subject "Zoë\\x" is not… taken');
    expect(challenge).toBe(
      'Bearer realm="billing", error="invalid_token", error_description="the token\'s subject \'Zo?\'x\' is not? taken"',
    );
    // What Node takes as a header value.
    expect(/^[\x20-\x7e]*$/.test(challenge)).toBe(true);
  });
});
