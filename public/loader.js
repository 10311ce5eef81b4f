// Loads the app's WebAssembly. Trunk's own loader is an inline script, which the Content-Security-Policy
// forbids ('unsafe-inline'); this file replaces it (docs/toolchain.md).
import init from '/onshi.js';

// The service worker runs training mode's world and keeps the app's files for offline use
// (ARCHITECTURE.md). It is registered once the app has started, so that its install (fetching the
// shell for the cache, compiling the training world) does not compete with the first screen for the
// network and the CPU; the app waits for the worker only when it first talks to training mode's world.
// Browsers offer service workers only to secure contexts (https, or localhost); elsewhere
// `navigator.serviceWorker` is missing and training mode says so.
function registerWorker() {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker) return;
  navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' }).catch((error) => {
    // The app runs on; training mode reports that its worker is missing when it is used.
    console.error('the service worker could not be registered', error);
  });
}

init({ module_or_path: '/onshi_bg.wasm' }).then(registerWorker, (error) => {
  // The app could not start, so its own message catalogue is out of reach: say so plainly.
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent = '画面を読み込めませんでした。ページを再読み込みしてください。';
  document.body.append(message);
  console.error(error);
});
