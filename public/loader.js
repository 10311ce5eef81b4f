// Loads the app's WebAssembly. Trunk's own loader is an inline script, which the Content-Security-Policy
// forbids ('unsafe-inline'); this file replaces it (docs/toolchain.md).
import init from '/onshi.js';

init({ module_or_path: '/onshi_bg.wasm' }).catch((error) => {
  // The app could not start, so its own message catalogue is out of reach: say so plainly.
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent = '画面を読み込めませんでした。ページを再読み込みしてください。';
  document.body.append(message);
  console.error(error);
});
