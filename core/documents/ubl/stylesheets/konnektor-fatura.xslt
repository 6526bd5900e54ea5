<?xml version="1.0" encoding="UTF-8"?>
<!--
  Konnektör default invoice view for UBL-TR 1.2.1 (e-Fatura and e-Arşiv).
  XSLT 1.0 and XPath 1.0 only: it travels base64-encoded inside each invoice and is run by the recipient's viewer,
  the integrator's portal and GİB's portal, which use XSLT 1.0 engines. No scripts, no external resources,
  output escaping is never switched off: every value from the invoice is written as escaped text.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
	xmlns:n1="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
	exclude-result-prefixes="n1 cac cbc">
<xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>
<xsl:decimal-format name="tr" decimal-separator="," grouping-separator="." NaN="" infinity=""/>

<xsl:key name="kdv" match="cac:TaxTotal/cac:TaxSubtotal[normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)='0015']" use="concat(generate-id(../..), '|', number(cbc:Percent))"/>
<xsl:key name="exm" match="cac:TaxCategory[normalize-space(cbc:TaxExemptionReasonCode) or normalize-space(cbc:TaxExemptionReason)]" use="concat(normalize-space(cbc:TaxExemptionReasonCode), '|', normalize-space(cbc:TaxExemptionReason))"/>

<xsl:variable name="inv" select="/n1:Invoice"/>
<xsl:variable name="cur" select="normalize-space($inv/cbc:DocumentCurrencyCode)"/>
<xsl:variable name="curl"><xsl:choose><xsl:when test="$cur='TRY' or $cur=''">TL</xsl:when><xsl:otherwise><xsl:value-of select="$cur"/></xsl:otherwise></xsl:choose></xsl:variable>
<xsl:variable name="earsiv" select="normalize-space($inv/cbc:ProfileID)='EARSIVFATURA'"/>
<xsl:variable name="net" select="$earsiv and $inv/cac:Delivery[cac:CarrierParty or cac:Despatch/cbc:ActualDespatchDate]"/>
<xsl:variable name="rate" select="($inv/cac:PricingExchangeRate/cbc:CalculationRate | $inv/cac:TaxExchangeRate/cbc:CalculationRate)[1]"/>

<xsl:template match="/">
<html lang="tr">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:choose><xsl:when test="$earsiv">e-Arşiv Fatura </xsl:when><xsl:otherwise>e-Fatura </xsl:otherwise></xsl:choose><xsl:value-of select="$inv/cbc:ID"/></title>
<style>
body{margin:0;background:#fff;color:#111;font:9.5pt/1.35 Arial,Helvetica,sans-serif}
.pg{max-width:200mm;margin:0 auto;padding:6mm}
table{border-collapse:collapse;width:100%}
td,th{vertical-align:top;padding:2px 4px;text-align:left}
.hd>tbody>tr>td{padding:0 0 8px}
.pt{width:58%}
.pt b{font-size:10.5pt}
.lg{text-align:center;vertical-align:middle}
.lg div{display:inline-block;border:2px solid #b3131b;color:#b3131b;font:bold 17pt Arial,sans-serif;padding:4px 14px;border-radius:6px}
.lg small{display:block;color:#444;margin-top:3px}
.bx{border:1px solid #999;padding:4px 6px}
.cap{font-weight:bold;font-size:8pt;color:#555;letter-spacing:.05em}
.inf{width:auto;margin-left:auto}
.inf th,.inf td{border:1px solid #999;font-size:8.5pt}
.inf th{background:#f2f2f2;white-space:nowrap}
.et{margin:2px 0 8px;font-size:8.5pt}
.ln th{background:#e9e9e9;border:1px solid #888;font-size:8pt;text-align:center}
.ln td{border:1px solid #aaa;font-size:8.5pt}
.r{text-align:right;white-space:nowrap}
.c{text-align:center}
.sm{color:#555;font-size:7.5pt}
.tt{width:auto;margin:8px 0 0 auto}
.tt th,.tt td{border:1px solid #aaa;font-size:8.5pt}
.tt th{text-align:right;font-weight:normal;background:#f7f7f7}
.tt tr.pay th,.tt tr.pay td{font-weight:bold;background:#ececec}
.sec{margin-top:8px}
.nt{white-space:pre-line}
@page{size:A4;margin:8mm}
@media print{.pg{padding:0;max-width:none}}
</style>
</head>
<body><div class="pg">
<xsl:choose>
<xsl:when test="$inv"><xsl:apply-templates select="$inv"/></xsl:when>
<xsl:otherwise><p>Bu görünüm yalnızca UBL-TR faturaları (Invoice) içindir.</p></xsl:otherwise>
</xsl:choose>
</div></body>
</html>
</xsl:template>

<xsl:template match="n1:Invoice">
<table class="hd"><tbody>
<tr>
<td class="pt"><div class="bx"><xsl:call-template name="party"><xsl:with-param name="p" select="cac:AccountingSupplierParty/cac:Party"/></xsl:call-template></div></td>
<td class="lg"><div><xsl:choose><xsl:when test="$earsiv">e-Arşiv Fatura</xsl:when><xsl:otherwise>e-Fatura</xsl:otherwise></xsl:choose></div>
<small><xsl:call-template name="typename"/></small></td>
</tr>
<tr>
<td class="pt"><div class="bx"><div class="cap">SAYIN</div><xsl:call-template name="party"><xsl:with-param name="p" select="cac:AccountingCustomerParty/cac:Party"/></xsl:call-template></div>
<xsl:if test="cac:BuyerCustomerParty/cac:Party">
<div class="bx sec"><div class="cap">ALICI</div><xsl:call-template name="party"><xsl:with-param name="p" select="cac:BuyerCustomerParty/cac:Party"/></xsl:call-template></div>
</xsl:if>
</td>
<td><table class="inf"><tbody>
<xsl:call-template name="row"><xsl:with-param name="k">Özelleştirme No</xsl:with-param><xsl:with-param name="v" select="cbc:CustomizationID"/></xsl:call-template>
<xsl:call-template name="row"><xsl:with-param name="k">Senaryo</xsl:with-param><xsl:with-param name="v" select="cbc:ProfileID"/></xsl:call-template>
<xsl:call-template name="row"><xsl:with-param name="k">Fatura Tipi</xsl:with-param><xsl:with-param name="v" select="cbc:InvoiceTypeCode"/></xsl:call-template>
<xsl:call-template name="row"><xsl:with-param name="k">Fatura No</xsl:with-param><xsl:with-param name="v" select="cbc:ID"/></xsl:call-template>
<xsl:call-template name="row"><xsl:with-param name="k">Fatura Tarihi</xsl:with-param><xsl:with-param name="v"><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template></xsl:with-param></xsl:call-template>
<xsl:call-template name="row"><xsl:with-param name="k">Fatura Saati</xsl:with-param><xsl:with-param name="v" select="substring(normalize-space(cbc:IssueTime), 1, 8)"/></xsl:call-template>
<xsl:call-template name="row"><xsl:with-param name="k">Para Birimi</xsl:with-param><xsl:with-param name="v" select="$cur"/></xsl:call-template>
<xsl:if test="normalize-space($rate)">
<xsl:call-template name="row"><xsl:with-param name="k">Döviz Kuru</xsl:with-param><xsl:with-param name="v">1 <xsl:value-of select="$rate/../cbc:SourceCurrencyCode"/> = <xsl:call-template name="num"><xsl:with-param name="v" select="$rate"/><xsl:with-param name="f" select="'#.##0,00####'"/></xsl:call-template><xsl:text> </xsl:text><xsl:value-of select="$rate/../cbc:TargetCurrencyCode"/></xsl:with-param></xsl:call-template>
</xsl:if>
<xsl:if test="cac:InvoicePeriod[normalize-space(cbc:StartDate) or normalize-space(cbc:EndDate)]">
<xsl:call-template name="row"><xsl:with-param name="k">Fatura Dönemi</xsl:with-param><xsl:with-param name="v"><xsl:call-template name="date"><xsl:with-param name="d" select="cac:InvoicePeriod/cbc:StartDate"/></xsl:call-template> – <xsl:call-template name="date"><xsl:with-param name="d" select="cac:InvoicePeriod/cbc:EndDate"/></xsl:call-template></xsl:with-param></xsl:call-template>
</xsl:if>
<xsl:call-template name="refs"><xsl:with-param name="k">Sipariş</xsl:with-param><xsl:with-param name="r" select="cac:OrderReference"/></xsl:call-template>
<xsl:call-template name="refs"><xsl:with-param name="k">İrsaliye</xsl:with-param><xsl:with-param name="r" select="cac:DespatchDocumentReference"/></xsl:call-template>
<xsl:call-template name="refs"><xsl:with-param name="k"><xsl:choose><xsl:when test="contains(cbc:InvoiceTypeCode, 'IADE')">İade Edilen Fatura</xsl:when><xsl:otherwise>İlgili Fatura</xsl:otherwise></xsl:choose></xsl:with-param><xsl:with-param name="r" select="cac:BillingReference/cac:InvoiceDocumentReference"/></xsl:call-template>
<xsl:call-template name="refs"><xsl:with-param name="k">Sözleşme</xsl:with-param><xsl:with-param name="r" select="cac:ContractDocumentReference"/></xsl:call-template>
<xsl:for-each select="cac:AdditionalDocumentReference[normalize-space(cbc:DocumentTypeCode)='SendingType']">
<xsl:call-template name="row"><xsl:with-param name="k">Gönderim Şekli</xsl:with-param><xsl:with-param name="v"><xsl:choose><xsl:when test="normalize-space(cbc:DocumentType)='KAGIT'">Kağıt</xsl:when><xsl:when test="normalize-space(cbc:DocumentType)='ELEKTRONIK'">Elektronik</xsl:when><xsl:otherwise><xsl:value-of select="cbc:DocumentType"/></xsl:otherwise></xsl:choose></xsl:with-param></xsl:call-template>
</xsl:for-each>
<xsl:if test="not($net)"><xsl:call-template name="row"><xsl:with-param name="k">Son Ödeme Tarihi</xsl:with-param><xsl:with-param name="v"><xsl:call-template name="date"><xsl:with-param name="d" select="(cac:PaymentMeans/cbc:PaymentDueDate | cac:PaymentTerms/cbc:PaymentDueDate)[normalize-space()][1]"/></xsl:call-template></xsl:with-param></xsl:call-template></xsl:if>
<xsl:call-template name="row"><xsl:with-param name="k">Teslim Şartı</xsl:with-param><xsl:with-param name="v" select="cac:Delivery/cac:DeliveryTerms/cbc:ID[normalize-space()][1]"/></xsl:call-template>
</tbody></table></td>
</tr>
</tbody></table>
<div class="et"><b>ETTN:</b><xsl:text> </xsl:text><xsl:value-of select="cbc:UUID"/></div>
<xsl:call-template name="lines"/>
<xsl:call-template name="totals"/>
<xsl:call-template name="footer"/>
</xsl:template>

<!-- Party block: name or person, address, contact, VKN/TCKN, vergi dairesi and other identifiers. -->
<xsl:template name="party">
<xsl:param name="p"/>
<xsl:variable name="person" select="normalize-space(concat($p/cac:Person/cbc:Title, ' ', $p/cac:Person/cbc:FirstName, ' ', $p/cac:Person/cbc:MiddleName, ' ', $p/cac:Person/cbc:FamilyName, ' ', $p/cac:Person/cbc:NameSuffix))"/>
<xsl:variable name="name" select="($p/cac:PartyName/cbc:Name | $p/cac:PartyLegalEntity/cbc:RegistrationName)[normalize-space()][1]"/>
<b><xsl:choose><xsl:when test="$name"><xsl:value-of select="$name"/></xsl:when><xsl:otherwise><xsl:value-of select="$person"/></xsl:otherwise></xsl:choose></b>
<xsl:if test="$name and $person"><br/><xsl:value-of select="$person"/></xsl:if>
<xsl:for-each select="$p/cac:PostalAddress">
<xsl:variable name="l1"><xsl:for-each select="cbc:Postbox|cbc:StreetName|cbc:BlockName|cbc:BuildingName|cbc:BuildingNumber|cbc:Room"><xsl:if test="normalize-space()"><xsl:if test="self::cbc:BuildingNumber">No:</xsl:if><xsl:if test="self::cbc:Room">D:</xsl:if><xsl:if test="self::cbc:Postbox">PK:</xsl:if><xsl:value-of select="normalize-space()"/><xsl:text> </xsl:text></xsl:if></xsl:for-each></xsl:variable>
<xsl:if test="normalize-space($l1)"><br/><xsl:value-of select="normalize-space($l1)"/></xsl:if>
<br/><xsl:value-of select="normalize-space(concat(cbc:PostalZone, ' ', cbc:District, ' ', cbc:CitySubdivisionName))"/>
<xsl:if test="normalize-space(cbc:CitySubdivisionName) and normalize-space(cbc:CityName)"> / </xsl:if><xsl:value-of select="cbc:CityName"/>
<xsl:if test="normalize-space(cbc:Region)"><xsl:text> </xsl:text><xsl:value-of select="cbc:Region"/></xsl:if>
<xsl:if test="normalize-space(cac:Country/cbc:Name)"><xsl:text> – </xsl:text><xsl:value-of select="cac:Country/cbc:Name"/></xsl:if>
</xsl:for-each>
<xsl:call-template name="kv"><xsl:with-param name="k">Tel</xsl:with-param><xsl:with-param name="v" select="$p/cac:Contact/cbc:Telephone"/></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Faks</xsl:with-param><xsl:with-param name="v" select="$p/cac:Contact/cbc:Telefax"/></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">E-posta</xsl:with-param><xsl:with-param name="v" select="$p/cac:Contact/cbc:ElectronicMail"/></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Web</xsl:with-param><xsl:with-param name="v" select="$p/cbc:WebsiteURI"/></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Vergi Dairesi</xsl:with-param><xsl:with-param name="v" select="$p/cac:PartyTaxScheme/cac:TaxScheme/cbc:Name"/></xsl:call-template>
<xsl:for-each select="$p/cac:PartyIdentification/cbc:ID[normalize-space() and not(@schemeID='PARTYTYPE')]">
<xsl:sort select="number(not(@schemeID='VKN' or @schemeID='TCKN'))" data-type="number"/>
<br/><xsl:choose><xsl:when test="@schemeID='MERSISNO'">Mersis No</xsl:when><xsl:when test="@schemeID='TICARETSICILNO'">Ticaret Sicil No</xsl:when><xsl:when test="@schemeID='PASAPORTNO'">Pasaport No</xsl:when><xsl:otherwise><xsl:value-of select="@schemeID"/></xsl:otherwise></xsl:choose>: <xsl:value-of select="normalize-space()"/>
</xsl:for-each>
<xsl:call-template name="kv"><xsl:with-param name="k">Vergi No</xsl:with-param><xsl:with-param name="v" select="$p/cac:PartyLegalEntity/cbc:CompanyID"/></xsl:call-template>
</xsl:template>

<xsl:template name="kv">
<xsl:param name="k"/><xsl:param name="v"/>
<xsl:if test="normalize-space($v)"><br/><xsl:value-of select="$k"/>: <xsl:value-of select="normalize-space($v)"/></xsl:if>
</xsl:template>

<xsl:template name="row">
<xsl:param name="k"/><xsl:param name="v"/>
<xsl:if test="normalize-space($v)"><tr><th><xsl:value-of select="$k"/></th><td><xsl:value-of select="$v"/></td></tr></xsl:if>
</xsl:template>

<xsl:template name="refs">
<xsl:param name="k"/><xsl:param name="r"/>
<xsl:if test="$r[normalize-space(cbc:ID)]">
<tr><th><xsl:value-of select="$k"/></th><td>
<xsl:for-each select="$r[normalize-space(cbc:ID)]">
<xsl:if test="position() > 1"><br/></xsl:if>
<xsl:value-of select="normalize-space(cbc:ID)"/>
<xsl:if test="normalize-space(cbc:IssueDate)"> (<xsl:call-template name="date"><xsl:with-param name="d" select="cbc:IssueDate"/></xsl:call-template>)</xsl:if>
</xsl:for-each>
</td></tr>
</xsl:if>
</xsl:template>

<xsl:template name="typename">
<xsl:variable name="t" select="normalize-space($inv/cbc:InvoiceTypeCode)"/>
<xsl:choose>
<xsl:when test="$t='SATIS'">Satış Faturası</xsl:when>
<xsl:when test="$t='IADE'">İade Faturası</xsl:when>
<xsl:when test="$t='TEVKIFAT'">Tevkifatlı Fatura</xsl:when>
<xsl:when test="$t='TEVKIFATIADE'">Tevkifatlı İade Faturası</xsl:when>
<xsl:when test="$t='ISTISNA'">İstisna Faturası</xsl:when>
<xsl:when test="$t='OZELMATRAH'">Özel Matrah Faturası</xsl:when>
<xsl:when test="$t='IHRACKAYITLI'">İhraç Kayıtlı Fatura</xsl:when>
<xsl:otherwise><xsl:value-of select="$t"/></xsl:otherwise>
</xsl:choose>
<xsl:if test="normalize-space($inv/cbc:ProfileID)='IHRACAT'"> (İhracat)</xsl:if>
<xsl:if test="normalize-space($inv/cbc:ProfileID)='KAMU'"> (Kamu)</xsl:if>
</xsl:template>

<!-- Lines -->
<xsl:template name="lines">
<xsl:variable name="oth" select="$inv/cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal[normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)!='0015']"/>
<xsl:variable name="wht" select="$inv/cac:InvoiceLine/cac:WithholdingTaxTotal/cac:TaxSubtotal"/>
<table class="ln">
<thead><tr><th>Sıra</th><th>Mal / Hizmet</th><th>Miktar</th><th>Birim Fiyat</th><th>İskonto Oranı</th><th>İskonto Tutarı</th><th>KDV Oranı</th><th>KDV Tutarı</th>
<xsl:if test="$oth"><th>Diğer Vergiler</th></xsl:if><xsl:if test="$wht"><th>Tevkifat</th></xsl:if><th>Mal Hizmet Tutarı</th></tr></thead>
<tbody>
<xsl:for-each select="$inv/cac:InvoiceLine">
<xsl:variable name="k" select="cac:TaxTotal/cac:TaxSubtotal[normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)='0015']"/>
<xsl:variable name="ac" select="cac:AllowanceCharge[cbc:Amount != 0 or cbc:MultiplierFactorNumeric != 0]"/>
<tr>
<td class="c"><xsl:value-of select="cbc:ID"/></td>
<td><xsl:value-of select="cac:Item/cbc:Name"/>
<xsl:if test="normalize-space(cac:Item/cbc:Description)"><br/><span class="sm"><xsl:value-of select="cac:Item/cbc:Description"/></span></xsl:if>
<xsl:variable name="d"><xsl:for-each select="cac:Item/cac:SellersItemIdentification/cbc:ID | cac:Item/cbc:BrandName | cac:Item/cbc:ModelName | cac:Delivery/cac:Shipment/cac:GoodsItem/cbc:RequiredCustomsID | cac:Delivery/cac:DeliveryTerms/cbc:ID | cbc:Note"><xsl:if test="normalize-space()"><xsl:choose><xsl:when test="self::cbc:ID and parent::cac:DeliveryTerms">Teslim: </xsl:when><xsl:when test="self::cbc:ID">Kod: </xsl:when><xsl:when test="self::cbc:RequiredCustomsID">GTİP: </xsl:when><xsl:when test="self::cbc:BrandName">Marka: </xsl:when><xsl:when test="self::cbc:ModelName">Model: </xsl:when></xsl:choose><xsl:value-of select="normalize-space()"/> · </xsl:if></xsl:for-each></xsl:variable>
<xsl:if test="normalize-space($d)"><br/><span class="sm"><xsl:value-of select="substring($d, 1, string-length($d) - 3)"/></span></xsl:if>
</td>
<td class="r"><xsl:call-template name="num"><xsl:with-param name="v" select="cbc:InvoicedQuantity"/><xsl:with-param name="f" select="'#.##0,######'"/></xsl:call-template><xsl:text> </xsl:text><xsl:call-template name="unit"><xsl:with-param name="c" select="normalize-space(cbc:InvoicedQuantity/@unitCode)"/></xsl:call-template></td>
<td class="r"><xsl:call-template name="money"><xsl:with-param name="v" select="cac:Price/cbc:PriceAmount"/><xsl:with-param name="f" select="'#.##0,00####'"/></xsl:call-template></td>
<td class="r"><xsl:for-each select="$ac"><xsl:if test="position() > 1"><br/></xsl:if><xsl:if test="cbc:ChargeIndicator='true'">+</xsl:if><xsl:if test="normalize-space(cbc:MultiplierFactorNumeric)">%<xsl:call-template name="num"><xsl:with-param name="v" select="cbc:MultiplierFactorNumeric * 100"/><xsl:with-param name="f" select="'#0,##'"/></xsl:call-template></xsl:if></xsl:for-each></td>
<td class="r"><xsl:for-each select="$ac"><xsl:if test="position() > 1"><br/></xsl:if><xsl:if test="cbc:ChargeIndicator='true'">+</xsl:if><xsl:call-template name="money"><xsl:with-param name="v" select="cbc:Amount"/></xsl:call-template><xsl:if test="normalize-space(cbc:AllowanceChargeReason)"><br/><span class="sm"><xsl:value-of select="cbc:AllowanceChargeReason"/></span></xsl:if></xsl:for-each></td>
<td class="r"><xsl:for-each select="$k[1]">%<xsl:call-template name="num"><xsl:with-param name="v" select="cbc:Percent"/><xsl:with-param name="f" select="'#0,##'"/></xsl:call-template></xsl:for-each></td>
<td class="r"><xsl:for-each select="$k[1]"><xsl:call-template name="money"><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template></xsl:for-each></td>
<xsl:if test="$oth"><td class="r"><xsl:for-each select="cac:TaxTotal/cac:TaxSubtotal[normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)!='0015']"><xsl:if test="position() > 1"><br/></xsl:if><xsl:call-template name="taxname"/><xsl:if test="normalize-space(cbc:Percent)"> (%<xsl:call-template name="num"><xsl:with-param name="v" select="cbc:Percent"/><xsl:with-param name="f" select="'#0,##'"/></xsl:call-template>)</xsl:if>: <xsl:call-template name="money"><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template></xsl:for-each></td></xsl:if>
<xsl:if test="$wht"><td class="r"><xsl:for-each select="cac:WithholdingTaxTotal/cac:TaxSubtotal"><xsl:if test="position() > 1"><br/></xsl:if><xsl:value-of select="cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode"/> (%<xsl:value-of select="normalize-space(cbc:Percent)"/>): <xsl:call-template name="money"><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template></xsl:for-each></td></xsl:if>
<td class="r"><xsl:call-template name="money"><xsl:with-param name="v" select="cbc:LineExtensionAmount"/></xsl:call-template></td>
</tr>
</xsl:for-each>
</tbody>
</table>
</xsl:template>

<!-- Totals, in the document currency -->
<xsl:template name="totals">
<xsl:variable name="m" select="$inv/cac:LegalMonetaryTotal"/>
<table class="tt"><tbody>
<xsl:call-template name="trow"><xsl:with-param name="k">Mal Hizmet Toplam Tutarı</xsl:with-param><xsl:with-param name="v" select="$m/cbc:LineExtensionAmount"/></xsl:call-template>
<xsl:call-template name="trow"><xsl:with-param name="k">Toplam İskonto</xsl:with-param><xsl:with-param name="v" select="$m/cbc:AllowanceTotalAmount"/></xsl:call-template>
<xsl:if test="$m/cbc:ChargeTotalAmount != 0"><xsl:call-template name="trow"><xsl:with-param name="k">Toplam Artırım</xsl:with-param><xsl:with-param name="v" select="$m/cbc:ChargeTotalAmount"/></xsl:call-template></xsl:if>
<xsl:for-each select="$inv/cac:TaxTotal/cac:TaxSubtotal[normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)='0015'][generate-id() = generate-id(key('kdv', concat(generate-id(../..), '|', number(cbc:Percent)))[1])]">
<xsl:variable name="g" select="key('kdv', concat(generate-id(../..), '|', number(cbc:Percent)))"/>
<xsl:variable name="p"><xsl:if test="normalize-space(cbc:Percent)"> (%<xsl:call-template name="num"><xsl:with-param name="v" select="cbc:Percent"/><xsl:with-param name="f" select="'#0,##'"/></xsl:call-template>)</xsl:if></xsl:variable>
<xsl:if test="$g/cbc:TaxableAmount"><xsl:call-template name="trow"><xsl:with-param name="k">KDV Matrahı<xsl:value-of select="$p"/></xsl:with-param><xsl:with-param name="v" select="sum($g/cbc:TaxableAmount)"/></xsl:call-template></xsl:if>
<xsl:call-template name="trow"><xsl:with-param name="k">Hesaplanan KDV<xsl:value-of select="$p"/></xsl:with-param><xsl:with-param name="v" select="sum($g/cbc:TaxAmount)"/></xsl:call-template>
</xsl:for-each>
<xsl:for-each select="$inv/cac:TaxTotal/cac:TaxSubtotal[normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)!='0015']">
<xsl:call-template name="trow"><xsl:with-param name="k"><xsl:call-template name="taxname"/><xsl:if test="normalize-space(cbc:Percent)"> (%<xsl:call-template name="num"><xsl:with-param name="v" select="cbc:Percent"/><xsl:with-param name="f" select="'#0,##'"/></xsl:call-template>)</xsl:if></xsl:with-param><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template>
</xsl:for-each>
<xsl:for-each select="$inv/cac:WithholdingTaxTotal/cac:TaxSubtotal">
<xsl:call-template name="trow"><xsl:with-param name="k">KDV Tevkifatı (<xsl:value-of select="normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)"/><xsl:if test="normalize-space(cbc:Percent)"> – %<xsl:value-of select="normalize-space(cbc:Percent)"/></xsl:if>)</xsl:with-param><xsl:with-param name="v" select="cbc:TaxAmount"/></xsl:call-template>
</xsl:for-each>
<xsl:call-template name="trow"><xsl:with-param name="k">Vergiler Dahil Toplam Tutar</xsl:with-param><xsl:with-param name="v" select="$m/cbc:TaxInclusiveAmount"/></xsl:call-template>
<xsl:if test="$m/cbc:PayableRoundingAmount != 0"><xsl:call-template name="trow"><xsl:with-param name="k">Yuvarlama</xsl:with-param><xsl:with-param name="v" select="$m/cbc:PayableRoundingAmount"/></xsl:call-template></xsl:if>
<tr class="pay"><th>Ödenecek Tutar</th><td class="r"><xsl:call-template name="money"><xsl:with-param name="v" select="$m/cbc:PayableAmount"/></xsl:call-template></td></tr>
<xsl:if test="$cur != 'TRY' and $cur != '' and number($rate) > 0 and normalize-space($rate/../cbc:TargetCurrencyCode) = 'TRY'">
<tr><th>Ödenecek Tutar (TL karşılığı)</th><td class="r"><xsl:call-template name="num"><xsl:with-param name="v" select="$m/cbc:PayableAmount * $rate"/></xsl:call-template> TL</td></tr>
</xsl:if>
</tbody></table>
</xsl:template>

<xsl:template name="trow">
<xsl:param name="k"/><xsl:param name="v"/>
<xsl:if test="string(number($v)) != 'NaN' or normalize-space($v)"><tr><th><xsl:value-of select="$k"/></th><td class="r"><xsl:call-template name="money"><xsl:with-param name="v" select="$v"/></xsl:call-template></td></tr></xsl:if>
</xsl:template>

<xsl:template name="footer">
<xsl:variable name="ex" select="$inv//cac:TaxCategory[normalize-space(cbc:TaxExemptionReasonCode) or normalize-space(cbc:TaxExemptionReason)][generate-id() = generate-id(key('exm', concat(normalize-space(cbc:TaxExemptionReasonCode), '|', normalize-space(cbc:TaxExemptionReason)))[1])]"/>
<xsl:if test="$ex">
<div class="sec bx"><div class="cap">VERGİ İSTİSNA / MUAFİYET SEBEBİ</div>
<xsl:for-each select="$ex"><div><xsl:value-of select="normalize-space(cbc:TaxExemptionReasonCode)"/><xsl:if test="normalize-space(cbc:TaxExemptionReasonCode) and normalize-space(cbc:TaxExemptionReason)"> – </xsl:if><xsl:value-of select="normalize-space(cbc:TaxExemptionReason)"/></div></xsl:for-each>
</div>
</xsl:if>
<xsl:if test="$inv/cbc:Note[normalize-space()] or $inv/cac:PaymentTerms/cbc:Note[normalize-space()]">
<div class="sec bx"><div class="cap">NOTLAR</div>
<xsl:for-each select="$inv/cbc:Note[normalize-space()] | $inv/cac:PaymentTerms/cbc:Note[normalize-space()]"><div class="nt"><xsl:value-of select="."/></div></xsl:for-each>
</div>
</xsl:if>
<xsl:for-each select="$inv/cac:PaymentMeans[(normalize-space(cbc:PaymentMeansCode) and not($net)) or cac:PayeeFinancialAccount[normalize-space(cbc:ID)]]">
<div class="sec bx"><div class="cap">ÖDEME BİLGİLERİ</div>
<xsl:if test="normalize-space(cbc:PaymentMeansCode)">Ödeme Şekli: <xsl:call-template name="paymeans"><xsl:with-param name="c" select="normalize-space(cbc:PaymentMeansCode)"/></xsl:call-template></xsl:if>
<xsl:call-template name="kv"><xsl:with-param name="k">Ödeme Tarihi</xsl:with-param><xsl:with-param name="v"><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:PaymentDueDate"/></xsl:call-template></xsl:with-param></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Açıklama</xsl:with-param><xsl:with-param name="v" select="cbc:InstructionNote"/></xsl:call-template>
<xsl:for-each select="cac:PayeeFinancialAccount[normalize-space(cbc:ID)]">
<xsl:call-template name="kv"><xsl:with-param name="k">Hesap / IBAN</xsl:with-param><xsl:with-param name="v" select="concat(cbc:ID, ' ', cbc:CurrencyCode)"/></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Banka</xsl:with-param><xsl:with-param name="v" select="normalize-space(concat(cac:FinancialInstitutionBranch/cac:FinancialInstitution/cbc:Name, ' ', cac:FinancialInstitutionBranch/cbc:Name))"/></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Not</xsl:with-param><xsl:with-param name="v" select="cbc:PaymentNote"/></xsl:call-template>
</xsl:for-each>
</div>
</xsl:for-each>
<xsl:if test="$earsiv">
<xsl:variable name="dl" select="$inv/cac:Delivery[cac:CarrierParty or cac:Despatch/cbc:ActualDespatchDate]"/>
<xsl:if test="$net">
<div class="sec bx"><div class="cap">İNTERNET SATIŞ BİLGİLERİ</div>
Web Adresi: <xsl:value-of select="$inv/cac:AccountingSupplierParty/cac:Party/cbc:WebsiteURI"/>
<xsl:for-each select="$inv/cac:PaymentMeans[1]">
<xsl:call-template name="kv"><xsl:with-param name="k">Ödeme Şekli</xsl:with-param><xsl:with-param name="v"><xsl:call-template name="paymeans"><xsl:with-param name="c" select="normalize-space(cbc:PaymentMeansCode)"/></xsl:call-template></xsl:with-param></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Ödeme Aracısı</xsl:with-param><xsl:with-param name="v" select="cbc:InstructionNote"/></xsl:call-template>
<xsl:call-template name="kv"><xsl:with-param name="k">Ödeme Tarihi</xsl:with-param><xsl:with-param name="v"><xsl:call-template name="date"><xsl:with-param name="d" select="cbc:PaymentDueDate"/></xsl:call-template></xsl:with-param></xsl:call-template>
</xsl:for-each>
<xsl:for-each select="$dl/cac:CarrierParty">
<xsl:call-template name="kv"><xsl:with-param name="k">Gönderiyi Taşıyan</xsl:with-param><xsl:with-param name="v"><xsl:value-of select="normalize-space(concat(cac:PartyName/cbc:Name, ' ', cac:Person/cbc:FirstName, ' ', cac:Person/cbc:FamilyName))"/><xsl:for-each select="cac:PartyIdentification/cbc:ID[@schemeID='VKN' or @schemeID='TCKN'][1]"> (<xsl:value-of select="@schemeID"/><xsl:text> </xsl:text><xsl:value-of select="normalize-space()"/>)</xsl:for-each></xsl:with-param></xsl:call-template>
</xsl:for-each>
<xsl:call-template name="kv"><xsl:with-param name="k">Gönderim Tarihi</xsl:with-param><xsl:with-param name="v"><xsl:call-template name="date"><xsl:with-param name="d" select="$dl/cac:Despatch/cbc:ActualDespatchDate"/></xsl:call-template></xsl:with-param></xsl:call-template>
</div>
</xsl:if>
<xsl:if test="$inv/cac:AdditionalDocumentReference[normalize-space(cbc:DocumentTypeCode)='SendingType' and normalize-space(cbc:DocumentType)='ELEKTRONIK'] and not($inv/cbc:Note[contains(., 'elektronik ortamda iletilmiştir')])">
<p class="sm">e-Arşiv izni kapsamında elektronik ortamda iletilmiştir.</p>
</xsl:if>
</xsl:if>
</xsl:template>

<!-- Formatting helpers -->
<xsl:template name="num">
<xsl:param name="v"/><xsl:param name="f" select="'#.##0,00'"/>
<xsl:variable name="n" select="number(normalize-space($v))"/>
<xsl:choose><xsl:when test="$n = $n"><xsl:value-of select="format-number($n, $f, 'tr')"/></xsl:when><xsl:otherwise><xsl:value-of select="normalize-space($v)"/></xsl:otherwise></xsl:choose>
</xsl:template>

<xsl:template name="money">
<xsl:param name="v"/><xsl:param name="f" select="'#.##0,00'"/>
<xsl:if test="normalize-space($v)">
<xsl:call-template name="num"><xsl:with-param name="v" select="$v"/><xsl:with-param name="f" select="$f"/></xsl:call-template>
<xsl:text> </xsl:text><xsl:value-of select="$curl"/>
</xsl:if>
</xsl:template>

<xsl:template name="date">
<xsl:param name="d"/>
<xsl:variable name="s" select="normalize-space($d)"/>
<xsl:choose>
<xsl:when test="string-length($s) >= 10 and substring($s, 5, 1) = '-'"><xsl:value-of select="concat(substring($s, 9, 2), '.', substring($s, 6, 2), '.', substring($s, 1, 4))"/></xsl:when>
<xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
</xsl:choose>
</xsl:template>

<xsl:template name="taxname">
<xsl:variable name="c" select="normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:TaxTypeCode)"/>
<xsl:choose>
<xsl:when test="normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:Name)"><xsl:value-of select="normalize-space(cac:TaxCategory/cac:TaxScheme/cbc:Name)"/></xsl:when>
<xsl:when test="$c='0015'">KDV</xsl:when>
<xsl:when test="$c='0071'">ÖTV (I. Liste)</xsl:when>
<xsl:when test="$c='9077'">ÖTV (II. Liste)</xsl:when>
<xsl:when test="$c='0073'">ÖTV (III. Liste)</xsl:when>
<xsl:when test="$c='0074'">ÖTV (IV. Liste)</xsl:when>
<xsl:when test="$c='0003'">Gelir Vergisi Stopajı</xsl:when>
<xsl:when test="$c='0011'">Kurumlar Vergisi Stopajı</xsl:when>
<xsl:when test="$c='4080'">Özel İletişim Vergisi</xsl:when>
<xsl:when test="$c='0059'">Konaklama Vergisi</xsl:when>
<xsl:when test="$c='1047'">Damga Vergisi</xsl:when>
<xsl:otherwise>Vergi<xsl:if test="$c"><xsl:text> </xsl:text><xsl:value-of select="$c"/></xsl:if></xsl:otherwise>
</xsl:choose>
</xsl:template>

<xsl:template name="paymeans">
<xsl:param name="c"/>
<xsl:choose>
<xsl:when test="$c='1'">Diğer</xsl:when>
<xsl:when test="$c='10'">Nakit / Kapıda Ödeme</xsl:when>
<xsl:when test="$c='20'">Çek</xsl:when>
<xsl:when test="$c='21'">Banka Çeki</xsl:when>
<xsl:when test="$c='23'">Senet</xsl:when>
<xsl:when test="$c='42'">Banka Hesabına Ödeme</xsl:when>
<xsl:when test="$c='46'">EFT / Havale</xsl:when>
<xsl:when test="$c='48'">Kredi / Banka Kartı</xsl:when>
<xsl:when test="$c='49'">Otomatik Ödeme</xsl:when>
<xsl:when test="$c='ZZZ'">Diğer</xsl:when>
<xsl:otherwise><xsl:value-of select="$c"/></xsl:otherwise>
</xsl:choose>
</xsl:template>

<xsl:template name="unit">
<xsl:param name="c"/>
<xsl:choose>
<xsl:when test="$c='C62' or $c='NIU' or $c='H87' or $c='EA'">Adet</xsl:when>
<xsl:when test="$c='KGM'">kg</xsl:when>
<xsl:when test="$c='GRM'">g</xsl:when>
<xsl:when test="$c='MGM'">mg</xsl:when>
<xsl:when test="$c='TNE'">ton</xsl:when>
<xsl:when test="$c='LTR'">lt</xsl:when>
<xsl:when test="$c='MLT'">ml</xsl:when>
<xsl:when test="$c='MTR'">m</xsl:when>
<xsl:when test="$c='CMT'">cm</xsl:when>
<xsl:when test="$c='MMT'">mm</xsl:when>
<xsl:when test="$c='KTM'">km</xsl:when>
<xsl:when test="$c='MTK'">m²</xsl:when>
<xsl:when test="$c='MTQ'">m³</xsl:when>
<xsl:when test="$c='SM3'">Sm³</xsl:when>
<xsl:when test="$c='HUR'">Saat</xsl:when>
<xsl:when test="$c='MIN' or $c='D61'">Dakika</xsl:when>
<xsl:when test="$c='DAY'">Gün</xsl:when>
<xsl:when test="$c='WEE'">Hafta</xsl:when>
<xsl:when test="$c='MON'">Ay</xsl:when>
<xsl:when test="$c='ANN'">Yıl</xsl:when>
<xsl:when test="$c='PA'">Paket</xsl:when>
<xsl:when test="$c='BX'">Kutu</xsl:when>
<xsl:when test="$c='CT'">Koli</xsl:when>
<xsl:when test="$c='PR'">Çift</xsl:when>
<xsl:when test="$c='SET'">Set</xsl:when>
<xsl:when test="$c='DZN'">Düzine</xsl:when>
<xsl:when test="$c='KWH'">kWh</xsl:when>
<xsl:when test="$c='MWH'">MWh</xsl:when>
<xsl:when test="$c='KWT'">kW</xsl:when>
<xsl:otherwise><xsl:value-of select="$c"/></xsl:otherwise>
</xsl:choose>
</xsl:template>
</xsl:stylesheet>
