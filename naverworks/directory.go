package naverworks

import (
	"context"
	"encoding/json"
	"net/http"
)

// UserName is a user's name in the Directory.
type UserName struct {
	LastName          string `json:"lastName,omitempty"`
	FirstName         string `json:"firstName,omitempty"`
	PhoneticLastName  string `json:"phoneticLastName,omitempty"`
	PhoneticFirstName string `json:"phoneticFirstName,omitempty"`
}

// UserI18nName is a user's name in one language.
type UserI18nName struct {
	Language  string `json:"language,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}

// UserProfile is a user's Directory profile, as GET /users/{userId}
// returns it with the user.profile.read scope. Which fields are set
// depends on the tenant's admin settings. Organizations (the domains the
// user belongs to, with their teams and positions) is kept as the raw
// JSON array.
type UserProfile struct {
	UserID        string          `json:"userId"`
	ExternalKey   string          `json:"userExternalKey,omitempty"`
	Email         string          `json:"email,omitempty"`
	UserName      UserName        `json:"userName"`
	I18nNames     []UserI18nName  `json:"i18nNames,omitempty"`
	Organizations json.RawMessage `json:"organizations,omitempty"`
	Telephone     string          `json:"telephone,omitempty"`
	CellPhone     string          `json:"cellPhone,omitempty"`
	Location      string          `json:"location,omitempty"`
	Meta          Meta            `json:"-"`
}

// UserProfile looks a user up in the Directory (GET /users/{userId}).
// userID is the user's ID, login e-mail, or "externalKey:{key}". The token
// source's credentials need the user.profile.read scope (with user.read or
// directory.read the API returns the fuller user record, whose common
// fields this type reads as well). An unknown user is an [*APIError]
// (404).
func (c *Client) UserProfile(ctx context.Context, userID string) (*UserProfile, error) {
	if userID == "" {
		return nil, argError("Client.UserProfile", "userID", "empty")
	}
	var out UserProfile
	meta, err := c.call(ctx, "Client.UserProfile", http.MethodGet, c.path("users", userID), nil, &out, true)
	if err != nil {
		return nil, err
	}
	out.Meta = meta
	return &out, nil
}
