<?xml version="1.0" encoding="UTF-8"?>
<!--
  Konnektör receipt view for UBL-TR 1.2.1 e-MM (CreditNote, MUSTAHSILMAKBUZ) and e-SMM (Invoice, SERBESTMESLEKMAKBUZU):
  the issuer and the other party, each line, the gross, every deduction and tax with its rate, what is paid, and the
  amount in words. XSLT 1.0 and XPath 1.0 only (it travels base64-encoded inside each receipt and is run by the
  integrator's and GİB's viewers); no scripts, no external resources, every value written as escaped text.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
	xmlns:inv="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	xmlns:cn="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
	exclude-result-prefixes="inv cn cac cbc">
<xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>
<xsl:decimal-format name="tr" decimal-separator="," grouping-separator="." NaN="" infinity=""/>

<xsl:variable name="doc" select="/inv:Invoice | /cn:CreditNote"/>
<xsl:variable name="mm" select="boolean(/cn:CreditNote)"/>
<xsl:variable name="cur" select="normalize-space($doc/cbc:DocumentCurrencyCode)"/>
<xsl:variable name="curl"><xsl:choose><xsl:when test="$cur='TRY' or $cur=''">TL</xsl:when><xsl:otherwise><xsl:value-of select="$cur"/></xsl:otherwise></xsl:choose></xsl:variable>
<xsl:variable name="title"><xsl:choose><xsl:when test="$mm">e-Müstahsil Makbuzu</xsl:when><xsl:otherwise>e-Serbest Meslek Makbuzu</xsl:otherwise></xsl:choose></xsl:variable>

<xsl:template name="money">
	<xsl:param name="v"/>
	<xsl:value-of select="format-number(number($v), '#.##0,00', 'tr')"/><xsl:text> </xsl:text><xsl:value-of select="$curl"/>
</xsl:template>

<xsl:template name="party">
	<xsl:param name="p"/>
	<b><xsl:choose>
		<xsl:when test="$p/cac:Person"><xsl:value-of select="$p/cac:Person/cbc:FirstName"/><xsl:text> </xsl:text><xsl:value-of select="$p/cac:Person/cbc:FamilyName"/></xsl:when>
		<xsl:otherwise><xsl:value-of select="$p/cac:PartyName/cbc:Name"/></xsl:otherwise>
	</xsl:choose></b><br/>
	<xsl:value-of select="$p/cac:PostalAddress/cbc:StreetName"/><xsl:text> </xsl:text><xsl:value-of select="$p/cac:PostalAddress/cbc:CitySubdivisionName"/> / <xsl:value-of select="$p/cac:PostalAddress/cbc:CityName"/><br/>
	<xsl:if test="normalize-space($p/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name)">Vergi Dairesi: <xsl:value-of select="$p/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name"/><br/></xsl:if>
	<xsl:for-each select="$p/cac:PartyIdentification/cbc:ID[@schemeID='VKN' or @schemeID='TCKN']"><xsl:value-of select="@schemeID"/>: <xsl:value-of select="."/></xsl:for-each>
</xsl:template>

<xsl:template match="/">
<html lang="tr">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="$title"/><xsl:text> </xsl:text><xsl:value-of select="$doc/cbc:ID"/></title>
<style>
body{margin:0;background:#fff;color:#111;font:9.5pt/1.35 Arial,Helvetica,sans-serif}
.pg{max-width:200mm;margin:0 auto;padding:6mm}
table{border-collapse:collapse;width:100%}
td,th{vertical-align:top;padding:2px 4px;text-align:left}
.ln th,.ln td{border:1px solid #999}
.ln th{background:#eee}
.r{text-align:right}
.tot{width:55%;margin:8px 0 0 auto}
.tot td{border:1px solid #999}
.tot .pay td{font-weight:bold;background:#eee}
h1{font-size:15pt;margin:0 0 6px}
</style>
</head>
<body><div class="pg">
<h1><xsl:value-of select="$title"/></h1>
<table>
<tr>
	<td style="width:50%"><i><xsl:choose><xsl:when test="$mm">Alıcı (düzenleyen)</xsl:when><xsl:otherwise>Serbest meslek erbabı (düzenleyen)</xsl:otherwise></xsl:choose></i><br/>
		<xsl:call-template name="party"><xsl:with-param name="p" select="$doc/cac:AccountingSupplierParty/cac:Party"/></xsl:call-template></td>
	<td><i><xsl:choose><xsl:when test="$mm">Üretici (çiftçi)</xsl:when><xsl:otherwise>Müşteri</xsl:otherwise></xsl:choose></i><br/>
		<xsl:call-template name="party"><xsl:with-param name="p" select="$doc/cac:AccountingCustomerParty/cac:Party"/></xsl:call-template></td>
</tr>
<tr><td colspan="2">
	Makbuz No: <b><xsl:value-of select="$doc/cbc:ID"/></b> · Tarih: <xsl:value-of select="$doc/cbc:IssueDate"/><xsl:text> </xsl:text><xsl:value-of select="$doc/cbc:IssueTime"/>
	<xsl:if test="$doc/cac:Delivery/cbc:ActualDeliveryDate"> · Teslim: <xsl:value-of select="$doc/cac:Delivery/cbc:ActualDeliveryDate"/></xsl:if>
	<br/>ETTN: <xsl:value-of select="$doc/cbc:UUID"/>
</td></tr>
</table>

<table class="ln">
<tr><th>#</th><th>Mal / hizmet</th><xsl:if test="$mm"><th class="r">Miktar</th><th class="r">Birim fiyat</th></xsl:if><th class="r">Tutar</th><th>Kesinti / vergi</th></tr>
<xsl:for-each select="$doc/cac:CreditNoteLine | $doc/cac:InvoiceLine">
<tr>
	<td><xsl:value-of select="cbc:ID"/></td>
	<td><xsl:value-of select="cac:Item/cbc:Name"/></td>
	<xsl:if test="$mm">
		<td class="r"><xsl:value-of select="cbc:CreditedQuantity"/><xsl:text> </xsl:text><xsl:value-of select="cbc:CreditedQuantity/@unitCode"/></td>
		<td class="r"><xsl:value-of select="cac:Price/cbc:PriceAmount"/></td>
	</xsl:if>
	<td class="r"><xsl:call-template name="money"><xsl:with-param name="v" select="cbc:LineExtensionAmount"/></xsl:call-template></td>
	<td><xsl:for-each select="cac:TaxTotal/cac:TaxSubtotal | cac:WithholdingTaxTotal/cac:TaxSubtotal">
		<xsl:value-of select="cac:TaxCategory/cac:TaxScheme/cbc:Name"/> %<xsl:value-of select="cbc:Percent"/>: <xsl:call-template name="money"><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template><br/>
	</xsl:for-each></td>
</tr>
</xsl:for-each>
</table>

<table class="tot">
<tr><td>Brüt tutar</td><td class="r"><xsl:call-template name="money"><xsl:with-param name="v" select="$doc/cac:LegalMonetaryTotal/cbc:LineExtensionAmount"/></xsl:call-template></td></tr>
<xsl:for-each select="$doc/cac:TaxTotal/cac:TaxSubtotal">
<tr><td><xsl:value-of select="cac:TaxCategory/cac:TaxScheme/cbc:Name"/> (%<xsl:value-of select="cbc:Percent"/>)<xsl:if test="normalize-space(cac:TaxCategory/cbc:TaxExemptionReasonCode)"> — istisna <xsl:value-of select="cac:TaxCategory/cbc:TaxExemptionReasonCode"/></xsl:if></td>
	<td class="r"><xsl:if test="$mm or normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)!='0015'">− </xsl:if><xsl:call-template name="money"><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template></td></tr>
</xsl:for-each>
<xsl:for-each select="$doc/cac:WithholdingTaxTotal/cac:TaxSubtotal">
<tr><td>KDV tevkifatı <xsl:value-of select="cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"/> (%<xsl:value-of select="cbc:Percent"/>)</td>
	<td class="r">− <xsl:call-template name="money"><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template></td></tr>
</xsl:for-each>
<tr class="pay"><td><xsl:choose><xsl:when test="$mm">Üreticiye ödenen net tutar</xsl:when><xsl:otherwise>Net tahsil edilen</xsl:otherwise></xsl:choose></td>
	<td class="r"><xsl:call-template name="money"><xsl:with-param name="v" select="$doc/cac:LegalMonetaryTotal/cbc:PayableAmount"/></xsl:call-template></td></tr>
</table>

<xsl:for-each select="$doc/cbc:Note"><p><xsl:value-of select="."/></p></xsl:for-each>
</div></body>
</html>
</xsl:template>
</xsl:stylesheet>
