//! Inline media given as `data:` URLs, for APIs that take base64 data and a MIME type apart.

use crate::llm::MediaSource;

/// The MIME type and base64 data of a source: inline data as given, a base64 `data:` URL
/// taken apart; `None` for a URL the provider must fetch.
pub(crate) fn inline_data(source: &MediaSource) -> Option<(&str, &str)> {
    match source {
        MediaSource::Base64 { mime_type, data } => Some((mime_type, data)),
        MediaSource::Url(url) => {
            let rest = url.strip_prefix("data:")?;
            let (mime_type, data) = rest.split_once(";base64,")?;
            Some((mime_type, data))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_are_taken_apart() {
        let url = MediaSource::Url("data:image/png;base64,iVBOR".into());
        assert_eq!(inline_data(&url), Some(("image/png", "iVBOR")));
        let remote = MediaSource::Url("https://example.com/a.png".into());
        assert_eq!(inline_data(&remote), None);
        let text_data = MediaSource::Url("data:text/plain,hello".into());
        assert_eq!(inline_data(&text_data), None);
    }
}
