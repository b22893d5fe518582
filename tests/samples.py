"""Small files the tests upload: real enough for the content checks (marketplace.uploads)."""

# A one-page PDF: the uploads check reads the type from the content, not the name.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 200 200]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n"
    b"%%EOF\n"
)
