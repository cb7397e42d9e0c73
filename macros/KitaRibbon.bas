Attribute VB_Name = "KitaRibbon"
Option Explicit

' kitameldung: every button of the ribbon tab "Kita-Meldung" calls OnRibbonAction. The
' button's Tag names the action; Python carries it out (kitameldung.excel.on_ribbon).
' RunPython comes from the xlwings module of this add-in.
Public Sub OnRibbonAction(control As IRibbonControl)
    RunPython "import kitameldung.excel as x; x.on_ribbon('" & control.Tag & "')"
End Sub
