package naverworks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/channelkit/channelkit/internal/rest"
)

// MaxUploadBytes bounds what [Client.Upload] reads into memory: 100 MiB.
// The real limit is the domain's per-file policy (1 MB for template and
// rich-menu images).
const MaxUploadBytes = 100 << 20

// Attachment is a created upload slot: upload to UploadURL once, within 24
// hours, then use FileID in image, file, audio, video, template or rich-menu
// image content.
type Attachment struct {
	FileID    string `json:"fileId"`
	UploadURL string `json:"uploadUrl"`
	Meta      Meta   `json:"-"`
}

// CreateAttachment creates an upload slot for a file (step 1 of the upload
// flow). size is the file size in bytes, or 0 if unknown.
func (c *Client) CreateAttachment(ctx context.Context, fileName string, size int64) (*Attachment, error) {
	if fileName == "" {
		return nil, argError("Client.CreateAttachment", "fileName", "empty")
	}
	in := struct {
		FileName string `json:"fileName"`
		FileSize int64  `json:"fileSize,omitempty"`
	}{fileName, size}
	var a Attachment
	meta, err := c.call(ctx, "Client.CreateAttachment", http.MethodPost, c.botPath("attachments"), in, &a, false)
	if err != nil {
		return nil, err
	}
	if a.FileID == "" || a.UploadURL == "" {
		return nil, errors.New("naverworks: create attachment: response lacks fileId or uploadUrl")
	}
	a.Meta = meta
	return &a, nil
}

// Upload sends the file to an upload URL (step 2): a multipart/form-data
// POST with one part named "Filedata". The bearer token goes along only
// to NAVER WORKS hosts (and the API host).
func (c *Client) Upload(ctx context.Context, uploadURL, fileName, contentType string, r io.Reader) (*Result, error) {
	const fn = "Client.Upload"
	if err := checkCtx(ctx, fn); err != nil {
		return nil, err
	}
	u, err := url.Parse(uploadURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, argError(fn, "uploadURL", "not an absolute http(s) URL")
	}
	if r == nil {
		return nil, argError(fn, "r", "nil reader")
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="Filedata"; filename=%q`, fileName))
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(part, io.LimitReader(r, MaxUploadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("naverworks: reading upload: %w", err)
	}
	if n > MaxUploadBytes {
		return nil, argError(fn, "r", fmt.Sprintf("more than %d bytes", MaxUploadBytes))
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req := &rest.Request{Method: http.MethodPost, Path: u.String(), Body: buf.Bytes(), ContentType: mw.FormDataContentType()}
	api := c.anon
	if c.trusted(u) {
		api = c.api
	}
	resp, err := api.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return &Result{Meta: metaOf(resp)}, nil
}

// UploadFile runs the whole upload flow and returns the file ID to send.
func (c *Client) UploadFile(ctx context.Context, fileName, contentType string, data []byte) (string, error) {
	a, err := c.CreateAttachment(ctx, fileName, int64(len(data)))
	if err != nil {
		return "", err
	}
	if _, err := c.Upload(ctx, a.UploadURL, fileName, contentType, bytes.NewReader(data)); err != nil {
		return "", err
	}
	return a.FileID, nil
}

// Download is a streamed attachment. Close Body.
type Download struct {
	Meta          Meta
	Body          io.ReadCloser
	ContentType   string
	ContentLength int64
	// FileName comes from Content-Disposition, when the server sends one.
	FileName string
}

// Download fetches a file users sent (the fileId of an image, file, audio
// or video content). The API answers 302 with the file's location; the
// client follows it, sending the bearer token only to NAVER WORKS hosts
// (and to the API host itself).
func (c *Client) Download(ctx context.Context, fileID string) (*Download, error) {
	const fn = "Client.Download"
	if fileID == "" {
		return nil, argError(fn, "fileID", "empty")
	}
	if err := checkCtx(ctx, fn); err != nil {
		return nil, err
	}
	// The first answer is normally a 302 with an empty body; a server that
	// answers 200 with the file directly is buffered (up to 16 MiB).
	first, err := c.api.Do(ctx, &rest.Request{Method: http.MethodGet, Path: c.botPath("attachments", fileID), Idempotent: true})
	if err != nil {
		return nil, err
	}
	if first.StatusCode < 300 {
		return newDownload(&rest.Stream{StatusCode: first.StatusCode, Header: first.Header, Body: io.NopCloser(bytes.NewReader(first.Body))}), nil
	}
	location := first.Header.Get("Location")
	loc, err := url.Parse(location)
	if err != nil || location == "" {
		return nil, fmt.Errorf("naverworks: download: HTTP %d without a usable Location", first.StatusCode)
	}
	target := c.base.ResolveReference(loc)
	if target.Scheme != "https" && target.Scheme != "http" {
		return nil, errors.New("naverworks: download: redirect to a non-HTTP location")
	}
	api := c.anon
	if c.trusted(target) {
		api = c.api
	}
	// DoStream streams only 2xx answers; any other answer the check lets
	// pass (a further redirect, 304) is a *rest.StatusError.
	stream, err := api.DoStream(ctx, &rest.Request{Method: http.MethodGet, Path: target.String(), Idempotent: true})
	var se *rest.StatusError
	if errors.As(err, &se) {
		return nil, fmt.Errorf("naverworks: download: unexpected HTTP %d from the file location", se.StatusCode)
	}
	if err != nil {
		return nil, err
	}
	return newDownload(stream), nil
}

func newDownload(s *rest.Stream) *Download {
	d := &Download{
		Meta:          Meta{StatusCode: s.StatusCode, RequestID: requestID(s.Header), Header: s.Header},
		Body:          s.Body,
		ContentType:   s.Header.Get("Content-Type"),
		ContentLength: -1,
	}
	if n := s.Header.Get("Content-Length"); n != "" {
		if v, err := strconv.ParseInt(n, 10, 64); err == nil {
			d.ContentLength = v
		}
	}
	if cd := s.Header.Get("Content-Disposition"); cd != "" {
		if _, params, err := mime.ParseMediaType(cd); err == nil {
			d.FileName = params["filename"]
		}
	}
	return d
}

// trusted reports whether the bearer token may be sent to u: the API host,
// or a NAVER WORKS host over HTTPS.
func (c *Client) trusted(u *url.URL) bool {
	if u.Host == c.base.Host && u.Scheme == c.base.Scheme {
		return true
	}
	h := u.Hostname()
	return u.Scheme == "https" && (strings.HasSuffix(h, ".worksmobile.com") || strings.HasSuffix(h, ".worksapis.com"))
}
