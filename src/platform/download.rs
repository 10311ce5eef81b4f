//! Saving a file the app made (a result for the レセコン, a CSV) through the browser's downloads.

use wasm_bindgen::{JsCast, JsValue};

/// Why a file was not handed to the browser.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not save {name}: {message}")]
pub struct DownloadError {
    pub name: String,
    pub message: String,
}

/// Offers `bytes` as a download named `name` with the media type `media_type`.
pub fn save(name: &str, media_type: &str, bytes: &[u8]) -> Result<(), DownloadError> {
    let fail = |e: JsValue| DownloadError {
        name: name.to_owned(),
        message: format!("{e:?}"),
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail(JsValue::from_str("no document")))?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|e| fail(e.into()))?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The browser has taken its own reference by now; the object URL is no longer needed.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
