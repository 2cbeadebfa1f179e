// Passkeys for Gatehouse: the one script the pages load (CSP `default-src 'self'`).
// Buttons marked data-passkey="add" or data-passkey="sign-in" call the WebAuthn API and
// exchange JSON with Gatehouse; byte strings travel as unpadded base64url both ways, and a
// credential goes in WebAuthn's JSON form (id, rawId, type, response).
// Without WebAuthn the buttons stay hidden and the forms work as before.
(function () {
  'use strict';

  function toBytes(text) {
    var base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    while (base64.length % 4) { base64 += '='; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function descriptors(list) {
    return (list || []).map(function (item) { return { type: item.type, id: toBytes(item.id) }; });
  }

  // POSTs `body` as JSON with the page's CSRF token. Gatehouse answers {"location": …}
  // where the browser goes next, or {"error": …} (with a location when the person must
  // sign in or confirm first).
  async function post(url, token, body) {
    var answer = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify(body)
    });
    var data = {};
    try { data = await answer.json(); } catch (ignored) { data = {}; }
    if (!answer.ok) {
      if (data.location) { window.location.assign(data.location); }
      throw new Error(data.error || 'The server answered ' + answer.status + '. Please try again.');
    }
    return data;
  }

  async function add(button) {
    var token = button.dataset.csrfToken;
    var field = document.getElementById('passkey-name');
    var options = await post('/account/passkeys/options', token, {});
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    var credential = await navigator.credentials.create({ publicKey: options });
    var done = await post('/account/passkeys', token, {
      name: field ? field.value : '',
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(credential.response.clientDataJSON),
        attestationObject: toText(credential.response.attestationObject)
      }
    });
    window.location.assign(done.location);
  }

  async function signIn(button) {
    var token = button.dataset.csrfToken;
    var options = await post('/auth/passkey/options', token, {});
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    var credential = await navigator.credentials.get({ publicKey: options });
    var response = credential.response;
    var done = await post('/auth/passkey', token, {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(response.clientDataJSON),
        authenticatorData: toText(response.authenticatorData),
        signature: toText(response.signature),
        userHandle: response.userHandle ? toText(response.userHandle) : ''
      },
      next: button.dataset.next || '/'
    });
    window.location.assign(done.location);
  }

  function start() {
    if (!window.PublicKeyCredential || !navigator.credentials) { return; }
    var actions = { 'add': add, 'sign-in': signIn };
    document.querySelectorAll('[data-passkey]').forEach(function (button) {
      var action = actions[button.dataset.passkey];
      var box = button.closest('.passkey-box') || document;
      var message = box.querySelector('.passkey-error');
      box.hidden = false;
      button.hidden = false;
      button.addEventListener('click', function () {
        button.classList.add('is-loading');
        if (message) { message.hidden = true; }
        action(button).catch(function (error) {
          button.classList.remove('is-loading');
          if (!message) { return; }
          // A person who closes the browser's dialog gets no alarming message.
          message.textContent = error && error.name === 'NotAllowedError'
            ? 'No passkey was used. You can try again.' : (error && error.message) || 'Something went wrong.';
          message.hidden = false;
        });
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
