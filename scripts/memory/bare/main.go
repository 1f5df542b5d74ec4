// Command bare is the yardstick of scripts/memory: a Fyne app with one
// entry and nothing else, built with the client's tags and sized as the
// client's window on a 1366×768 screen, so that what egovdesk costs on top
// of Fyne (and the GL driver) can be read off side by side.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("cn.egovdesk.memory-bare")
	w := a.NewWindow("bare")
	e := widget.NewEntry()
	e.SetPlaceHolder("entry")
	w.SetContent(e)
	w.Resize(fyne.NewSize(1356, 728)) // egovdesk's window fitted to 1366×768
	w.ShowAndRun()
}
