//! The WebUSB adapter: the only code that touches `navigator.usb` (docs/card-reader.md §1–2).
//!
//! [`request_reader`] asks the browser's chooser for a general-purpose card reader (the PaSoRi models
//! by id, and any smart-card class device so that staff who pick one are told why it cannot work),
//! works out the model and the interface its driver needs from the device's configuration, opens the
//! device and claims that interface. [`WebUsbPipe`] is the claimed interface's bulk endpoints as the
//! core's drivers see them ([`UsbPipe`]).
//!
//! Every call goes through the objects' own methods, never through `instanceof` checks, so a scripted
//! stand-in for `navigator.usb` (the browser and end-to-end tests) drives exactly this code.

use futures::future::{Either, select};
use js_sys::{Reflect, Uint8Array};
use onshi_core::card::reader::{
    Claim, Direction, EndpointInfo, InterfaceInfo, KNOWN_READERS, PipeError, ReaderModel,
    SMART_CARD_CLASS, TransferType, UsbId, UsbPipe,
};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Usb, UsbAlternateInterface, UsbConfiguration, UsbConnectionEvent, UsbDevice, UsbDeviceFilter,
    UsbDeviceRequestOptions, UsbDirection, UsbEndpointType, UsbInTransferResult, UsbTransferStatus,
};

use super::{js_message, timer::Delay};

/// Why a reader could not be connected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsbError {
    /// `navigator.usb` is missing: not a Chromium browser, or not a secure context (https or
    /// localhost).
    #[error("WebUSB is not available here")]
    Unavailable,
    /// The chooser was closed without a device (`NotFoundError` from `requestDevice`).
    #[error("no device was chosen")]
    Cancelled,
    /// The browser refused access (`SecurityError`: a permissions policy, or no user gesture).
    #[error("access to USB devices was refused: {0}")]
    Denied(String),
    /// Chrome refuses to let a web page claim a smart-card (CCID) class interface (`SecurityError`
    /// from `claimInterface`).
    #[error("interface {interface} implements a protected class: {message}")]
    ProtectedClass { interface: u8, message: String },
    /// The device went away (`NotFoundError`).
    #[error("the device was disconnected")]
    Unplugged,
    /// The device could not be opened or its interface claimed (`NetworkError`, `InvalidStateError`):
    /// another program or the operating system's driver holds it.
    #[error("the device could not be opened: {0}")]
    OpenFailed(String),
    /// The device has no interface a driver of this app can use.
    #[error("device {vendor:04X}:{product:04X} has no usable interface")]
    NoInterface { vendor: u16, product: u16 },
}

/// The name of a JavaScript exception (`DOMException.name`), if it has one.
fn error_name(value: &JsValue) -> Option<String> {
    Reflect::get(value, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
}

/// `navigator.usb`, when this browser and context offer it.
fn usb() -> Option<Usb> {
    let navigator = web_sys::window()?.navigator();
    let usb = Reflect::get(&navigator, &"usb".into()).ok()?;
    (!usb.is_undefined() && !usb.is_null()).then(|| usb.unchecked_into())
}

/// Whether WebUSB can be used here at all.
pub fn available() -> bool {
    usb().is_some()
}

/// The chooser's filters: each known reader by id, and every smart-card class device.
fn filters() -> Vec<UsbDeviceFilter> {
    let mut filters: Vec<UsbDeviceFilter> = KNOWN_READERS
        .iter()
        .map(|(id, _)| {
            let filter = UsbDeviceFilter::new();
            filter.set_vendor_id(id.vendor);
            filter.set_product_id(id.product);
            filter
        })
        .collect();
    let class = UsbDeviceFilter::new();
    class.set_class_code(SMART_CARD_CLASS);
    filters.push(class);
    filters
}

/// The device's interfaces, from its current configuration or else its first (before `open`, a
/// device may have none selected).
fn interfaces(device: &UsbDevice) -> Vec<InterfaceInfo> {
    let configuration: Option<UsbConfiguration> = device
        .configuration()
        .or_else(|| device.configurations().iter().next());
    let Some(configuration) = configuration else {
        return Vec::new();
    };
    configuration
        .interfaces()
        .iter()
        .filter_map(|interface| {
            let first: UsbAlternateInterface = interface.alternates().iter().next()?;
            let endpoints = first
                .endpoints()
                .iter()
                .map(|endpoint| EndpointInfo {
                    number: endpoint.endpoint_number(),
                    direction: match endpoint.direction() {
                        UsbDirection::In => Direction::In,
                        _ => Direction::Out,
                    },
                    kind: match endpoint.type_() {
                        UsbEndpointType::Bulk => TransferType::Bulk,
                        UsbEndpointType::Interrupt => TransferType::Interrupt,
                        _ => TransferType::Isochronous,
                    },
                    packet_size: u16::try_from(endpoint.packet_size()).unwrap_or(u16::MAX),
                })
                .collect();
            Some(InterfaceInfo {
                number: interface.interface_number(),
                class: first.interface_class(),
                endpoints,
            })
        })
        .collect()
}

/// A failure while opening: the device gone, access refused, or held elsewhere.
fn open_error(error: &JsValue) -> UsbError {
    match error_name(error).as_deref() {
        Some("NotFoundError") => UsbError::Unplugged,
        Some("SecurityError") => UsbError::Denied(js_message(error)),
        _ => UsbError::OpenFailed(js_message(error)),
    }
}

/// A reader the page has opened and whose interface it holds.
pub struct UsbReader {
    device: UsbDevice,
    model: ReaderModel,
    claim: Claim,
}

/// Asks the browser's chooser for a reader, then opens it and claims the interface its driver uses.
pub async fn request_reader() -> Result<UsbReader, UsbError> {
    let usb = usb().ok_or(UsbError::Unavailable)?;
    let options = UsbDeviceRequestOptions::new(&filters());
    let device =
        JsFuture::from(usb.request_device(&options))
            .await
            .map_err(|e| match error_name(&e).as_deref() {
                Some("NotFoundError") => UsbError::Cancelled,
                Some("SecurityError") => UsbError::Denied(js_message(&e)),
                _ => UsbError::OpenFailed(js_message(&e)),
            })?;
    let id = UsbId {
        vendor: device.vendor_id(),
        product: device.product_id(),
    };
    let found = interfaces(&device);
    let no_interface = UsbError::NoInterface {
        vendor: id.vendor,
        product: id.product,
    };
    let model = ReaderModel::of(id, &found).ok_or_else(|| no_interface.clone())?;
    let claim = model.choose(&found).map_err(|_| no_interface)?;

    JsFuture::from(device.open())
        .await
        .map_err(|e| open_error(&e))?;
    let claimed = async {
        if device.configuration().is_none() {
            JsFuture::from(device.select_configuration(1))
                .await
                .map_err(|e| open_error(&e))?;
        }
        JsFuture::from(device.claim_interface(claim.interface))
            .await
            .map_err(|e| match error_name(&e).as_deref() {
                Some("SecurityError") => UsbError::ProtectedClass {
                    interface: claim.interface,
                    message: js_message(&e),
                },
                _ => open_error(&e),
            })
    }
    .await;
    if let Err(e) = claimed {
        // A device opened but not usable is closed again, so another attempt (or program) can have it.
        let _ = JsFuture::from(device.close()).await;
        return Err(e);
    }
    Ok(UsbReader {
        device,
        model,
        claim,
    })
}

impl UsbReader {
    /// The model its driver speaks.
    pub fn model(&self) -> ReaderModel {
        self.model
    }

    /// The device's own product name, if it gives one.
    pub fn product_name(&self) -> Option<String> {
        self.device.product_name().filter(|n| !n.is_empty())
    }

    /// The claimed interface's bulk endpoints, for the model's driver.
    pub fn pipe(&self) -> WebUsbPipe {
        WebUsbPipe {
            device: self.device.clone(),
            claim: self.claim,
            pending: None,
        }
    }

    /// Calls `unplugged` once when this device is disconnected (`navigator.usb`'s `disconnect`
    /// event); the listener goes when the returned watch is dropped.
    pub fn watch_unplug(&self, unplugged: impl Fn() + 'static) -> UnplugWatch {
        let mine = self.device.clone();
        let listener =
            Closure::<dyn Fn(UsbConnectionEvent)>::new(move |event: UsbConnectionEvent| {
                // The same USBDevice object stands for the device for as long as it is connected.
                if JsValue::from(event.device()) == JsValue::from(mine.clone()) {
                    unplugged();
                }
            });
        let usb = usb();
        if let Some(usb) = &usb {
            let _ = usb
                .add_event_listener_with_callback("disconnect", listener.as_ref().unchecked_ref());
        }
        UnplugWatch { usb, listener }
    }

    /// Releases the interface and closes the device. A device already gone has nothing to release.
    pub async fn close(&self) {
        let _ = JsFuture::from(self.device.release_interface(self.claim.interface)).await;
        let _ = JsFuture::from(self.device.close()).await;
    }
}

/// A `disconnect` listener on `navigator.usb`, removed on drop.
pub struct UnplugWatch {
    usb: Option<Usb>,
    listener: Closure<dyn Fn(UsbConnectionEvent)>,
}

impl Drop for UnplugWatch {
    fn drop(&mut self) {
        if let Some(usb) = &self.usb {
            let _ = usb.remove_event_listener_with_callback(
                "disconnect",
                self.listener.as_ref().unchecked_ref(),
            );
        }
    }
}

/// A failed transfer: the device gone, or the browser's reason.
fn transfer_error(error: &JsValue) -> PipeError {
    match error_name(error).as_deref() {
        Some("NotFoundError") => PipeError::Disconnected,
        _ => PipeError::Transfer(js_message(error)),
    }
}

/// A transfer the device answered with a stall or babble rather than data.
fn transfer_status(status: UsbTransferStatus) -> Result<(), PipeError> {
    match status {
        UsbTransferStatus::Ok => Ok(()),
        UsbTransferStatus::Stall => Err(PipeError::Transfer("stall".to_owned())),
        UsbTransferStatus::Babble => Err(PipeError::Transfer("babble".to_owned())),
        _ => Err(PipeError::Transfer("unknown transfer status".to_owned())),
    }
}

/// The claimed interface's bulk endpoints.
pub struct WebUsbPipe {
    device: UsbDevice,
    claim: Claim,
    /// A `transferIn` that outlived the `receive` that started it. WebUSB cannot cancel a transfer,
    /// and a second one on the same endpoint would take the next answer out of order, so the next
    /// `receive` waits for this one instead of starting another.
    pending: Option<JsFuture<UsbInTransferResult>>,
}

impl UsbPipe for WebUsbPipe {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        // A copy owned by JavaScript: the browser (or a stand-in) may read it after this call returns,
        // when a view into the wasm memory could have moved.
        let data = Uint8Array::from(bytes);
        let promise = self
            .device
            .transfer_out_with_u8_array(self.claim.endpoint_out, &data)
            .map_err(|e| transfer_error(&e))?;
        let result = JsFuture::from(promise)
            .await
            .map_err(|e| transfer_error(&e))?;
        transfer_status(result.status())
    }

    async fn receive(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError> {
        // A transfer left over from a timed-out `receive` is asked for its bytes first; it was
        // started for the same endpoint, with the length its driver asked for then.
        let mut transfer = match self.pending.take() {
            Some(pending) => pending,
            None => JsFuture::from(self.device.transfer_in(
                self.claim.endpoint_in,
                u32::try_from(max_len).unwrap_or(u32::MAX),
            )),
        };
        let timer = Delay::new(std::time::Duration::from_millis(timeout_ms.into()));
        let result = match select(&mut transfer, timer).await {
            Either::Left((result, _)) => result.map_err(|e| transfer_error(&e))?,
            Either::Right(((), _)) => {
                self.pending = Some(transfer);
                return Err(PipeError::Timeout(timeout_ms));
            }
        };
        transfer_status(result.status())?;
        Ok(result
            .data()
            .map(|view| {
                Uint8Array::new_with_byte_offset_and_length(
                    &view.buffer(),
                    view.byte_offset() as u32,
                    view.byte_length() as u32,
                )
                .to_vec()
            })
            .unwrap_or_default())
    }
}
