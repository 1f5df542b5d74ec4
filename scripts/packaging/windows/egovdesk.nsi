; NSIS installer of the egovdesk desktop client for Windows 10/11 (x64),
; built by scripts/dist:
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DVIVERSION=0.1.0.0 \
;     -DEXE=dist/build/windows-amd64/egovdesk.exe -DOUTFILE=dist/egovdesk-0.1.0-windows-amd64-setup.exe egovdesk.nsi
;
; Installs for the current user only (no administrator rights needed, as on
; most township PCs) into %LOCALAPPDATA%\Programs\egovdesk, with a Start-menu
; and a desktop shortcut and an entry in "Apps & features". Uninstalling
; removes exactly that; the clerk's filings in %LOCALAPPDATA%\egovdesk stay.
; Installing a newer version over an older one keeps them too.

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true
ManifestSupportedOS Win10

!include MUI2.nsh
!include LogicLib.nsh
!include WinVer.nsh
!include x64.nsh

!define APPNAME "egovdesk 政务信息化项目申报"
!define SHORTCUT "政务信息化项目申报"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\cn.egovdesk.client"

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\egovdesk"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "egovdesk ${VERSION}"

VIProductVersion "${VIVERSION}"
VIFileVersion "${VIVERSION}"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "CompanyName" "egovdesk"
VIAddVersionKey /LANG=2052 "LegalCopyright" "egovdesk"

!define MUI_ICON "egovdesk.ico"
!define MUI_UNICON "egovdesk.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\egovdesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动 ${SHORTCUT}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将卸载 ${APPNAME}。本机已填写的材料（%LOCALAPPDATA%\egovdesk）不会被删除，重新安装后仍可使用。"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
	; Go 1.21 and later programs need Windows 10 (ProcessPrng); say so rather
	; than install something that cannot start.
	${IfNot} ${AtLeastWin10}
		MessageBox MB_OK|MB_ICONSTOP "${APPNAME} 需要 Windows 10 或 Windows 11（64 位）。本机的 Windows 版本过旧，无法运行，请联系本单位信息管理员。"
		Abort
	${EndIf}
	${IfNot} ${RunningX64}
		MessageBox MB_OK|MB_ICONSTOP "${APPNAME} 需要 64 位的 Windows 10 或 Windows 11，本机是 32 位系统，无法运行。"
		Abort
	${EndIf}
	SetShellVarContext current
FunctionEnd

Function un.onInit
	SetShellVarContext current
FunctionEnd

Section "install"
	SetOutPath "$INSTDIR"
	File "/oname=egovdesk.exe" "${EXE}"
	WriteUninstaller "$INSTDIR\uninstall.exe"
	CreateShortcut "$SMPROGRAMS\${SHORTCUT}.lnk" "$INSTDIR\egovdesk.exe" "" "$INSTDIR\egovdesk.exe" 0
	CreateShortcut "$DESKTOP\${SHORTCUT}.lnk" "$INSTDIR\egovdesk.exe" "" "$INSTDIR\egovdesk.exe" 0

	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "egovdesk"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\egovdesk.exe"
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "uninstall"
	Delete "$SMPROGRAMS\${SHORTCUT}.lnk"
	Delete "$DESKTOP\${SHORTCUT}.lnk"
	Delete "$INSTDIR\egovdesk.exe"
	Delete "$INSTDIR\uninstall.exe"
	RMDir "$INSTDIR"
	DeleteRegKey HKCU "${UNINSTKEY}"
	; Written by the client at each start (cmd/egovdesk/notify_windows.go):
	; the egovdesk: link a toast starts, and the toasts' sender name.
	DeleteRegKey HKCU "Software\Classes\egovdesk"
	DeleteRegKey HKCU "Software\Classes\AppUserModelId\cn.egovdesk.client"
SectionEnd
