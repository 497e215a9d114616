//! Attachments of the exit procedure's steps (book of record): the scanned minutes of the
//! review, the photo of the 公示 board, the town's and county's signed approvals. What a stored
//! attachment may be: a PDF, a JPEG or a PNG — told by its first bytes, not by its name — of at
//! most `MAX_BYTES`, under a plain name.

/// The largest attachment kept (a scanned page or a phone photo fits well within it).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The longest file name kept (characters).
pub const NAME_MAX_CHARS: usize = 120;

crate::labelled_enum! {
    /// What an attachment holds, by its content.
    pub enum AttachmentKind {
        Pdf = ("application/pdf", "PDF 文件"),
        Jpeg = ("image/jpeg", "JPEG 图片"),
        Png = ("image/png", "PNG 图片"),
    }
}

/// The kind of `bytes` by their signature; None for anything else.
pub fn kind_of(bytes: &[u8]) -> Option<AttachmentKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(AttachmentKind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(AttachmentKind::Jpeg)
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(AttachmentKind::Png)
    } else {
        None
    }
}

/// The attachment's kind, or why it is refused (Chinese / English). `name` is the file's name
/// as sent, already trimmed.
pub fn check(name: &str, bytes: &[u8]) -> Result<AttachmentKind, String> {
    if name.is_empty() {
        return Err("附件须有文件名 / the attachment needs a file name".into());
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(format!(
            "附件文件名不超过 {NAME_MAX_CHARS} 字 / a file name is at most {NAME_MAX_CHARS} characters"
        ));
    }
    if name
        .chars()
        .any(|c| c.is_control() || matches!(c, '/' | '\\'))
    {
        return Err(
            "附件文件名含有不可见字符或路径 / the file name holds control characters or a path"
                .into(),
        );
    }
    if bytes.is_empty() {
        return Err("附件是空文件 / the attachment is empty".into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "附件超过 {} MB / the attachment is over {} MB",
            MAX_BYTES / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ));
    }
    kind_of(bytes).ok_or_else(|| {
        "附件须为 PDF、JPEG 或 PNG 文件（按内容判断，不按扩展名） / the attachment must be a PDF, JPEG or PNG (by its content, not its name)".into()
    })
}

/// The hex SHA-256 of an attachment's content, kept with it and checked when it is read back.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_content_not_by_name() {
        assert_eq!(
            check("会议记录.pdf", b"%PDF-1.7 ..."),
            Ok(AttachmentKind::Pdf)
        );
        assert_eq!(
            check("公示.jpg", &[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Ok(AttachmentKind::Jpeg)
        );
        assert!(check("公示.png", b"<script>alert(1)</script>").is_err());
        assert!(check("a.pdf", b"").is_err());
        assert!(check("", b"%PDF-").is_err());
        assert!(check("a\u{0}.pdf", b"%PDF-").is_err());
        assert!(check("../../etc/passwd", b"%PDF-").is_err());
        let big = [b"%PDF-".as_slice(), &vec![0u8; MAX_BYTES]].concat();
        assert!(check("big.pdf", &big).is_err());
        assert_eq!(AttachmentKind::Png.code(), "image/png");
    }
}
