// Package clovatest helps test code built on package clova, in process and
// without CLOVA's private key.
//
// # CEK requests
//
// [Key] is an RSA-2048 key pair generated once per process. Build an
// extension handler that trusts it with clova.WithPublicKey([PublicKey]()),
// then send it requests built with [Launch], [Intent], [SessionEnded] or
// [Event] and signed by [NewRequest]:
//
//	h, _ := clova.NewExtensionHandler(clovatest.ApplicationID, fn,
//		clova.WithPublicKey(clovatest.PublicKey()))
//	req := clovatest.NewRequest(t, nil, clovatest.Intent("OrderPizza",
//		clovatest.WithSlot("pizzaType", "pepperoni"), clovatest.WithSlot("count", 3)))
//	rec := httptest.NewRecorder()
//	h.ServeHTTP(rec, req)
//
// # CLOVA Chatbot
//
// [ChatbotServer] fakes one chatbot domain's custom API: it checks each
// request's X-NCP-CHATBOT_SIGNATURE and shape, answers scripted bubbles per
// utterance, answers injected failures, and records every call. Use
// [NewChatbotServer] in tests and [StartChatbotServer] / Close in programs.
//
// Where the fake differs from the real service: it understands no language
// (an utterance matches a scripted reply only when it is identical), keeps
// no conversation state beyond a fixed session ID per user, answers a bad
// signature with 401 and {"error":{"errorCode":"200","message":"Authentication
// Failed"}} and a malformed request with 400, an approximation of API
// Gateway's error format, and never adds scenario, entities or keywords to
// an answer.
package clovatest
