//! 走访照片: what a photo taken on a visit may be, and the one form it is kept in.
//!
//! Phones take photos of 3–12 MB; a village's signal and a province's backups cannot carry
//! them. Every photo is therefore decoded, turned upright (a phone stores its orientation
//! aside), fitted within [`LONG_SIDE`] pixels and kept as a JPEG of at most [`MAX_STORED_BYTES`].
//! Re-encoding also drops what the camera wrote beside the picture (its place, the phone's
//! serial number), which the visit's own location field states openly when the helper wants it.
//! The page resizes before sending, so that a weak signal carries a fraction of the photo; this
//! rule is the one that holds for every path (a form, the API, a queued offline visit).

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::io::Cursor;

/// Photos kept with one visit.
pub const MAX_PER_VISIT: usize = 4;
/// The largest photo accepted as sent (a phone camera's original, from an API client).
pub const MAX_SENT_BYTES: usize = 15 * 1024 * 1024;
/// The longest side of a kept photo, in pixels: a face and a document stay legible on a phone
/// and on an A4 print.
pub const LONG_SIDE: u32 = 1600;
/// The largest kept photo.
pub const MAX_STORED_BYTES: usize = 1024 * 1024;
/// The largest picture decoded, per side, and in all: a phone's camera takes 12–50 megapixels;
/// a larger claim is refused from the file's header, before its memory is taken (a 50-megapixel
/// picture decodes into 150 MB, and its fitting takes about as much again).
const MAX_DECODED_SIDE: u32 = 16_000;
pub const MAX_PIXELS: u64 = 50_000_000;
/// JPEG qualities tried in turn until the photo fits [`MAX_STORED_BYTES`].
const QUALITIES: [u8; 3] = [82, 70, 55];

/// A photo as kept: a JPEG within the limits, with its size in pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Whether `bytes` start like a JPEG, PNG or WebP picture.
fn is_picture(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
        || bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A])
        || (bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP")
}

/// The photo as kept, or why it is refused (Chinese / English): not a JPEG, PNG or WebP
/// picture by its content, empty, too large as sent, damaged, or too large once kept.
pub fn keep(bytes: &[u8]) -> Result<KeptPhoto, String> {
    if bytes.is_empty() {
        return Err("照片是空文件 / the photo is empty".into());
    }
    if bytes.len() > MAX_SENT_BYTES {
        return Err(format!(
            "照片超过 {} MB / the photo is over {} MB",
            MAX_SENT_BYTES / (1024 * 1024),
            MAX_SENT_BYTES / (1024 * 1024)
        ));
    }
    if !is_picture(bytes) {
        return Err(
            "照片须为 JPEG、PNG 或 WebP 图片（按内容判断） / a photo must be a JPEG, PNG or WebP picture (by its content)"
                .into(),
        );
    }
    let picture = decode(bytes)?;
    let fitted = if picture.width().max(picture.height()) > LONG_SIDE {
        picture.resize(LONG_SIDE, LONG_SIDE, FilterType::Triangle)
    } else {
        picture
    };
    let rgb = fitted.into_rgb8();
    for quality in QUALITIES {
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, quality)
            .encode_image(&rgb)
            .map_err(|e| format!("照片无法保存 / the photo cannot be kept ({e})"))?;
        if jpeg.len() <= MAX_STORED_BYTES {
            return Ok(KeptPhoto {
                jpeg,
                width: rgb.width(),
                height: rgb.height(),
            });
        }
    }
    Err(format!(
        "照片压缩后仍超过 {} MB / the photo is over {} MB even compressed",
        MAX_STORED_BYTES / (1024 * 1024),
        MAX_STORED_BYTES / (1024 * 1024)
    ))
}

/// The picture, upright, within the decoding limits, or why not (Chinese / English; the
/// decoder's own words, in English, only in the English half).
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let damaged = |e: image::ImageError| {
        format!("照片无法读取，可能已损坏 / the photo cannot be read, it may be damaged ({e})")
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| damaged(e.into()))?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "照片超过 {} 万像素 / the photo is over {} megapixels",
            MAX_PIXELS / 10_000,
            MAX_PIXELS / 1_000_000
        ));
    }
    let orientation = decoder.orientation().map_err(damaged)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x ^ y) % 239) as u8])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// PNG's CRC-32 (ISO 3309) of a chunk's type and data.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in bytes {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = (c >> 1) ^ (0xEDB8_8320 & (c & 1).wrapping_neg());
            }
        }
        !c
    }

    #[test]
    fn a_large_photo_is_fitted_and_kept_as_jpeg() {
        let kept = keep(&png(4000, 3000)).unwrap();
        assert_eq!((kept.width, kept.height), (1600, 1200));
        assert!(kept.jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert!(kept.jpeg.len() <= MAX_STORED_BYTES);
    }

    #[test]
    fn a_small_photo_keeps_its_size() {
        let kept = keep(&png(640, 480)).unwrap();
        assert_eq!((kept.width, kept.height), (640, 480));
    }

    #[test]
    fn anything_but_a_picture_is_refused() {
        assert!(keep(b"").unwrap_err().contains("空文件"));
        assert!(keep(b"%PDF-1.4 ...")
            .unwrap_err()
            .contains("JPEG、PNG 或 WebP"));
        assert!(keep(b"<script>alert(1)</script>")
            .unwrap_err()
            .contains("JPEG、PNG 或 WebP"));
        let mut cut = png(200, 200);
        cut.truncate(cut.len() / 2);
        assert!(keep(&cut).unwrap_err().contains("无法读取"));
    }

    #[test]
    fn a_crafted_size_claim_is_refused_before_decoding() {
        // A PNG header claiming 100,000 × 100,000 pixels, with no picture behind it.
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(keep(&bytes).is_err());
    }

    #[test]
    fn more_pixels_than_a_phone_takes_are_refused_from_the_header() {
        // 10,000 × 6,000 claimed (60 megapixels), within the per-side limit, in a header whose
        // checksum is right (the decoder checks it before the size).
        let mut bytes = png(1, 1);
        bytes[16..20].copy_from_slice(&10_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&6_000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(keep(&bytes).unwrap_err().contains("万像素"));
    }

    #[test]
    fn too_large_as_sent_is_refused() {
        let mut big = png(1, 1);
        big.resize(MAX_SENT_BYTES + 1, 0);
        assert!(keep(&big).unwrap_err().contains("超过"));
    }
}
