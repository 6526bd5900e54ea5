import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESMM_CONTRACT, MUSTAHSIL_SERVICE_NAME } from '../../core/integrator/esmmService';

/** The services the sandbox serves, with production's paths (integrator-api.md §2). */
export const SERVICES = {
  connectorService: { path: '/connector/ws/connectorService', wsdl: 'connectorService.wsdl' },
  userService: { path: '/connector/ws/userService', wsdl: 'userService.wsdl' },
  earsivService: { path: '/earsiv/ws/EarsivWebService', wsdl: 'EarsivWebService.wsdl' },
  edefterService: { path: '/edefter/ws/DefterOlusturWebServices', wsdl: 'DefterOlusturWebServices.wsdl' },
  // The receipt services beside EarsivWebService; their WSDLs are written from the operations they answer.
  mustahsilService: { path: `/earsiv/ws/${MUSTAHSIL_SERVICE_NAME}`, wsdl: null },
  esmmService: { path: `/earsiv/ws/${ESMM_CONTRACT.serviceName}`, wsdl: null },
} as const;

export type ServiceName = keyof typeof SERVICES;

/** The test platforms also serve connectorService and userService under /efatura/ws/ (integrator-api.md §2). */
const ALIASES: Record<string, ServiceName> = {
  '/efatura/ws/connectorService': 'connectorService',
  '/efatura/ws/userService': 'userService',
};

export function serviceForPath(pathname: string): ServiceName | undefined {
  for (const [name, s] of Object.entries(SERVICES) as [ServiceName, (typeof SERVICES)[ServiceName]][]) if (s.path === pathname) return name;
  return ALIASES[pathname];
}

const cache = new Map<ServiceName, string>();

/** The WSDL file of `sandbox/wsdl/` (or the generated one of a receipt service) with the real endpoint address. */
export function wsdlFor(service: ServiceName, endpointUrl: string, operations: readonly string[] = []): string {
  let text = cache.get(service);
  if (text === undefined) {
    const file = SERVICES[service].wsdl;
    text = file === null ? receiptServiceWsdl(service, operations) : fs.readFileSync(fileURLToPath(new URL(`../wsdl/${file}`, import.meta.url)), 'utf8');
    cache.set(service, text);
  }
  return text.replace('location="REPLACE_WITH_ACTUAL_URL"', `location="${endpointUrl}"`);
}

const EARSIV_NS = 'http://service.earsiv.uut.cs.com.tr/';

/**
 * A receipt service's WSDL (SOAP 1.1, document/literal wrapped, EarsivWebService's namespace and types): every
 * operation takes `input` (JSON text) and, for the create operation, `belge{belgeFormati, belgeIcerigi}`, and answers
 * `return` (earsivServiceResult) with an optional `output` belge.
 */
function receiptServiceWsdl(service: ServiceName, operations: readonly string[]): string {
  const name = SERVICES[service].path.split('/').pop()!;
  const types = operations
    .map(
      (op) => `      <xs:element name="${op}"><xs:complexType><xs:sequence><xs:element name="input" type="xs:string" minOccurs="0"/><xs:element name="belge" type="tns:belge" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>
      <xs:element name="${op}Response"><xs:complexType><xs:sequence><xs:element name="return" type="tns:earsivServiceResult" minOccurs="0"/><xs:element name="output" type="tns:belge" minOccurs="0"/></xs:sequence></xs:complexType></xs:element>`,
    )
    .join('\n');
  const messages = operations.map((op) => `  <message name="${op}"><part name="parameters" element="tns:${op}"/></message>\n  <message name="${op}Response"><part name="parameters" element="tns:${op}Response"/></message>`).join('\n');
  const portOps = operations.map((op) => `    <operation name="${op}"><input message="tns:${op}"/><output message="tns:${op}Response"/></operation>`).join('\n');
  const bindingOps = operations
    .map((op) => `    <operation name="${op}">\n      <soap:operation soapAction=""/>\n      <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output>\n    </operation>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Konnektör sandbox: ${name} (receipts), EarsivWebService family; parameters are unqualified elements. -->
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="${EARSIV_NS}" targetNamespace="${EARSIV_NS}" name="${name}">
  <types>
    <xs:schema targetNamespace="${EARSIV_NS}" version="1.0" elementFormDefault="unqualified">
      <xs:complexType name="belge"><xs:sequence><xs:element name="belgeFormati" type="xs:string" minOccurs="0"/><xs:element name="belgeIcerigi" type="xs:base64Binary" minOccurs="0"/></xs:sequence></xs:complexType>
      <xs:complexType name="earsivServiceResult"><xs:sequence><xs:element name="resultCode" type="xs:string" minOccurs="0"/><xs:element name="resultExtra" minOccurs="0"><xs:complexType><xs:sequence><xs:element name="entry" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence><xs:element name="key" type="xs:string" minOccurs="0"/><xs:element name="value" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element><xs:element name="resultText" type="xs:string" minOccurs="0"/></xs:sequence></xs:complexType>
${types}
    </xs:schema>
  </types>
${messages}
  <portType name="${name}">
${portOps}
  </portType>
  <binding name="${name}PortBinding" type="tns:${name}">
    <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
${bindingOps}
  </binding>
  <service name="${name}">
    <port name="${name}Port" binding="tns:${name}PortBinding">
      <soap:address location="REPLACE_WITH_ACTUAL_URL"/>
    </port>
  </service>
</definitions>
`;
}
