package naverworks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"

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
		return nil, errors.New("naverworks: empty file name")
	}
	in := struct {
		FileName string `json:"fileName"`
		FileSize int64  `json:"fileSize,omitempty"`
	}{fileName, size}
	var a Attachment
	meta, err := c.call(ctx, http.MethodPost, c.botPath("attachments"), in, &a, false)
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
func (c *Client) Upload(ctx context.Context, uploadURL, fileName, contentType string, r io.Reader) (Meta, error) {
	u, err := url.Parse(uploadURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Meta{}, errors.New("naverworks: upload URL must be an absolute http(s) URL")
	}
	if r == nil {
		return Meta{}, errors.New("naverworks: nil reader")
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
		return Meta{}, err
	}
	n, err := io.Copy(part, io.LimitReader(r, MaxUploadBytes+1))
	if err != nil {
		return Meta{}, fmt.Errorf("naverworks: reading upload: %w", err)
	}
	if n > MaxUploadBytes {
		return Meta{}, fmt.Errorf("naverworks: upload larger than %d bytes", MaxUploadBytes)
	}
	if err := mw.Close(); err != nil {
		return Meta{}, err
	}
	req := &rest.Request{Method: http.MethodPost, Path: u.String(), Body: buf.Bytes(), ContentType: mw.FormDataContentType()}
	var resp *rest.Response
	if c.trusted(u) {
		resp, err = c.do(ctx, req)
	} else {
		resp, err = c.api.Do(ctx, req)
	}
	if err != nil {
		return Meta{}, err
	}
	return metaOf(resp), nil
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
