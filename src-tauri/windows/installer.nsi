; ChannelDesk (渠道商务台) Windows installer, built by `cargo xtask dist` with makensis.
;
; - Per-user: installs into %LOCALAPPDATA%\Programs\ChannelDesk and writes only HKCU, so staff
;   on locked-down laptops need no administrator rights.
; - Chinese and English: the language of the system (or the one chosen at start) names the
;   shortcuts and speaks in every page.
; - Start-menu shortcut always, desktop shortcut optional (a component, on by default).
; - `.cdbundle` files open in ChannelDesk (the import preview).
; - Checks for the Microsoft Edge WebView2 runtime the window needs and says how to get it.
; - The uninstaller keeps the data folder (%LOCALAPPDATA%\com.channeldesk.desk) unless the
;   person ticks "delete my data" (silently: /DELETEDATA).
; - Silent install and uninstall with /S, for IT departments; /S /RESTART is how the program
;   installs a verified update (waits for the program to close, then starts it again).
;
; Defines given by the xtask: VERSION (x.y.z), STAGE (folder with the files to install),
; OUTFILE (the installer to write), and WEBVIEW2_DLL when WebView2Loader.dll ships beside the
; program (the GNU build links it dynamically).

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
SetCompressorDictSize 32
RequestExecutionLevel user
ManifestDPIAware true

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define PRODUCT "ChannelDesk"
!define IDENTIFIER "com.channeldesk.desk"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${PRODUCT}"
!define CLASS "ChannelDesk.Bundle"
!define WEBVIEW2_KEY "Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define WEBVIEW2_URL "https://go.microsoft.com/fwlink/p/?LinkId=2124703"

Name "$(ProductName)"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${PRODUCT} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=0 "FileDescription" "${PRODUCT} Setup"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PRODUCT}"

!define MUI_ICON "${STAGE}\channeldesk.ico"
!define MUI_UNICON "${STAGE}\channeldesk.ico"
!define MUI_ABORTWARNING
!define MUI_LANGDLL_ALLLANGUAGES
!define MUI_LANGDLL_REGISTRY_ROOT HKCU
!define MUI_LANGDLL_REGISTRY_KEY "Software\${PRODUCT}"
!define MUI_LANGDLL_REGISTRY_VALUENAME "InstallerLanguage"
!define MUI_FINISHPAGE_RUN "$INSTDIR\channeldesk.exe"
!define MUI_COMPONENTSPAGE_NODESC

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_RESERVEFILE_LANGDLL

LangString ProductName ${LANG_SIMPCHINESE} "渠道商务台"
LangString ProductName ${LANG_ENGLISH} "ChannelDesk"
LangString SecProgram ${LANG_SIMPCHINESE} "渠道商务台（必需）"
LangString SecProgram ${LANG_ENGLISH} "ChannelDesk (required)"
LangString SecDesktop ${LANG_SIMPCHINESE} "桌面快捷方式"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecDeleteData ${LANG_SIMPCHINESE} "同时删除我的数据（数据库、备份、日志；无法恢复）"
LangString SecDeleteData ${LANG_ENGLISH} "Also delete my data (database, backups, logs; cannot be undone)"
LangString SecUninstall ${LANG_SIMPCHINESE} "卸载渠道商务台"
LangString SecUninstall ${LANG_ENGLISH} "Uninstall ChannelDesk"
LangString BundleType ${LANG_SIMPCHINESE} "渠道商务台数据包"
LangString BundleType ${LANG_ENGLISH} "ChannelDesk bundle"
LangString NoWebView2 ${LANG_SIMPCHINESE} "渠道商务台的窗口需要 Microsoft Edge WebView2 运行时，这台电脑上没有找到。$\r$\n$\r$\n安装会继续；请之后安装 WebView2（或请 IT 部门安装）。现在打开下载页面吗？"
LangString NoWebView2 ${LANG_ENGLISH} "ChannelDesk's window needs the Microsoft Edge WebView2 Runtime, which was not found on this computer.$\r$\n$\r$\nSetup will continue; install WebView2 afterwards (or ask your IT department). Open the download page now?"
LangString Running ${LANG_SIMPCHINESE} "渠道商务台正在运行。请先关闭它，然后点“重试”。"
LangString Running ${LANG_ENGLISH} "ChannelDesk is running. Close it, then choose Retry."

Var DeleteData
Var Tries

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONSTOP "ChannelDesk needs 64-bit Windows 10 or later."
    Abort
  ${EndIf}
  SetRegView 64
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function un.onInit
  SetRegView 64
  !insertmacro MUI_UNGETLANGUAGE
  StrCpy $DeleteData 0
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/DELETEDATA" $R1
  ${IfNot} ${Errors}
    StrCpy $DeleteData 1
  ${EndIf}
FunctionEnd

; The WebView2 runtime is registered per machine (32-bit view on 64-bit Windows) or per user.
Function CheckWebView2
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\${WEBVIEW2_KEY}" "pv"
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKLM "SOFTWARE\${WEBVIEW2_KEY}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    ReadRegStr $0 HKCU "Software\${WEBVIEW2_KEY}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "WebView2 runtime: not found"
    MessageBox MB_YESNO|MB_ICONEXCLAMATION "$(NoWebView2)" /SD IDNO IDNO done
    ExecShell "open" "${WEBVIEW2_URL}"
  ${Else}
    DetailPrint "WebView2 runtime: $0"
  ${EndIf}
  done:
FunctionEnd

Section "!$(SecProgram)" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  StrCpy $Tries 0
  retry:
  ClearErrors
  File "${STAGE}\channeldesk.exe"
  ${If} ${Errors}
    ; An update started by the program itself: give it up to 30 s to close.
    ${If} ${Silent}
    ${AndIf} $Tries < 60
      IntOp $Tries $Tries + 1
      Sleep 500
      Goto retry
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "$(Running)" /SD IDCANCEL IDRETRY retry
    Abort
  ${EndIf}
  File "${STAGE}\channeldesk.com"
  File "${STAGE}\channeldesk.ico"
  File "${STAGE}\THIRD-PARTY-NOTICES.html"
  File "${STAGE}\README.txt"
  !ifdef WEBVIEW2_DLL
    File "${STAGE}\WebView2Loader.dll"
  !endif

  ; Start menu (one shortcut, named in the installer's language).
  CreateShortCut "$SMPROGRAMS\$(ProductName).lnk" "$INSTDIR\channeldesk.exe" "" "$INSTDIR\channeldesk.ico" 0

  ; .cdbundle opens the import preview.
  WriteRegStr HKCU "Software\Classes\.cdbundle" "" "${CLASS}"
  WriteRegStr HKCU "Software\Classes\.cdbundle" "Content Type" "application/x-channeldesk-bundle"
  WriteRegStr HKCU "Software\Classes\${CLASS}" "" "$(BundleType)"
  WriteRegStr HKCU "Software\Classes\${CLASS}\DefaultIcon" "" "$INSTDIR\channeldesk.ico,0"
  WriteRegStr HKCU "Software\Classes\${CLASS}\shell\open\command" "" '"$INSTDIR\channeldesk.exe" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  ; "Run" and Start-menu search find `channeldesk`.
  WriteRegStr HKCU "Software\Microsoft\Windows\CurrentVersion\App Paths\channeldesk.exe" "" "$INSTDIR\channeldesk.exe"

  ; Apps & features.
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "$(ProductName) ${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\channeldesk.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0

  Call CheckWebView2

  ; An update installed from inside the program (/S /RESTART) starts it again.
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/RESTART" $R1
  ${IfNot} ${Errors}
    Exec '"$INSTDIR\channeldesk.exe"'
  ${EndIf}
SectionEnd

Section "$(SecDesktop)" SecDesktop
  CreateShortCut "$DESKTOP\$(ProductName).lnk" "$INSTDIR\channeldesk.exe" "" "$INSTDIR\channeldesk.ico" 0
SectionEnd

Section "!un.$(SecUninstall)" UnSecProgram
  SectionIn RO
  Delete "$INSTDIR\channeldesk.exe"
  Delete "$INSTDIR\channeldesk.com"
  Delete "$INSTDIR\channeldesk.ico"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\THIRD-PARTY-NOTICES.html"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; Shortcuts under either language's name.
  Delete "$SMPROGRAMS\渠道商务台.lnk"
  Delete "$SMPROGRAMS\ChannelDesk.lnk"
  Delete "$DESKTOP\渠道商务台.lnk"
  Delete "$DESKTOP\ChannelDesk.lnk"
  ReadRegStr $0 HKCU "Software\Classes\.cdbundle" ""
  ${If} $0 == "${CLASS}"
    DeleteRegKey HKCU "Software\Classes\.cdbundle"
  ${EndIf}
  DeleteRegKey HKCU "Software\Classes\${CLASS}"
  DeleteRegKey HKCU "Software\Microsoft\Windows\CurrentVersion\App Paths\channeldesk.exe"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${PRODUCT}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

; Off unless ticked (or /DELETEDATA): the data folder outlives the program by default.
Section /o "un.$(SecDeleteData)" UnSecData
  StrCpy $DeleteData 1
SectionEnd

Section "-un.data"
  ${If} $DeleteData == 1
    RMDir /r "$LOCALAPPDATA\${IDENTIFIER}"
    DetailPrint "data folder deleted: $LOCALAPPDATA\${IDENTIFIER}"
  ${Else}
    DetailPrint "data folder kept: $LOCALAPPDATA\${IDENTIFIER}"
  ${EndIf}
SectionEnd
