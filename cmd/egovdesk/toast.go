package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strings"
	"unicode/utf16"

	"egovdesk/ui"
)

// Windows toasts. Fyne 2.8 shows a toast without a launch argument, so
// clicking it does nothing. The client shows its own: a toast whose click
// (and 打开 button) activates the egovdesk: link by protocol — Windows
// starts the program with the link, and the new process hands it to the
// running client (instance.go), which opens the filing's timeline. Built
// here, on every platform, so that tests check what Windows is given.

// toastAppID is the AppUserModelID the toasts are shown under. Windows
// shows the DisplayName registered for it (政务信息化项目申报) as the
// sender, and the click goes to the protocol link whatever it is.
const toastAppID = "cn.egovdesk.client"

// toastBodyMax is how much of a reviewer's comment the toast carries: it
// shows about four lines; the timeline the click opens has all of it.
const toastBodyMax = 200

// toastXML returns the toast's XML for n.
func toastXML(n ui.Notice, icon string) string {
	link := noticeLink(n.FilingID)
	body := []rune(n.Body)
	if len(body) > toastBodyMax {
		body = append(body[:toastBodyMax-1], '…')
	}
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	fmt.Fprintf(&b, `<toast activationType="protocol" launch="%s" duration="short">`, esc(link))
	b.WriteString(`<visual><binding template="ToastGeneric">`)
	fmt.Fprintf(&b, `<text hint-maxLines="2">%s</text>`, esc(n.Title))
	fmt.Fprintf(&b, `<text>%s</text>`, esc(string(body)))
	if icon != "" {
		fmt.Fprintf(&b, `<image placement="appLogoOverride" src="%s"/>`, esc(icon))
	}
	b.WriteString(`</binding></visual>`)
	fmt.Fprintf(&b, `<actions><action content="打开" activationType="protocol" arguments="%s"/></actions>`, esc(link))
	b.WriteString(`</toast>`)
	return b.String()
}

// toastTag names the toasts about one filing, so that a newer decision on
// it replaces the one still on screen (Windows allows 16 characters on
// older Windows 10 builds, 64 on newer).
func toastTag(filingID string) string {
	sum := sha256.Sum256([]byte(filingID))
	return hex.EncodeToString(sum[:8])
}

// toastScript returns the PowerShell that shows the toast for n. The XML
// goes in a single-quoted here-string, which PowerShell takes literally;
// the XML escapes every ' (as &apos;), so nothing in a title or comment
// can end it.
func toastScript(n ui.Notice, icon string) string {
	x := strings.ReplaceAll(toastXML(n, icon), "'", "&apos;")
	return "$ErrorActionPreference = 'Stop'\n" +
		"[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] > $null\n" +
		"[Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime] > $null\n" +
		"$xml = New-Object Windows.Data.Xml.Dom.XmlDocument\n" +
		"$xml.LoadXml(@'\n" + x + "\n'@)\n" +
		"$toast = [Windows.UI.Notifications.ToastNotification]::new($xml)\n" +
		"$toast.Tag = '" + toastTag(n.FilingID) + "'\n" +
		"$toast.Group = 'egovdesk'\n" +
		"[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier('" + toastAppID + "').Show($toast)\n"
}

// encodedCommand returns script as powershell.exe's -EncodedCommand wants
// it: base64 of UTF-16LE. It carries Chinese unchanged whatever the
// console's code page is (a .ps1 file without a byte-order mark is read in
// the ANSI code page by Windows PowerShell 5.1, which garbles UTF-8).
func encodedCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 0, 2*len(u))
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return base64.StdEncoding.EncodeToString(b)
}
