import Foundation

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
enum OpenAPIDocument {
    static func json(baseURL: String) -> String {
        template.replacingOccurrences(of: "{{BASE_URL}}", with: baseURL)
    }

    private static let template = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "AMS registration and certificate API",
        "version": "1.0.0",
        "description": "The SOP registration workflow and certificates for agency systems. Every call is scoped to the agency of its API key. Errors are JSON objects with a stable code."
      },
      "servers": [{"url": "{{BASE_URL}}/api/v1"}],
      "security": [{"apiKey": []}],
      "paths": {
        "/requests": {
          "get": {
            "operationId": "listRequests",
            "summary": "The agency's registration requests, oldest first",
            "parameters": [
              {"name": "status", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/Status"}},
              {"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}}
            ],
            "responses": {
              "200": {"description": "A page of requests", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestPage"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "operationId": "createRequest",
            "summary": "Submit a request on an applicant's behalf (SOP step 1), with both documents",
            "requestBody": {
              "required": true,
              "content": {"multipart/form-data": {"schema": {
                "type": "object",
                "required": ["fullName", "nip", "nik", "email", "phone", "unit", "position", "recommendationLetter", "jobDecree"],
                "properties": {
                  "fullName": {"type": "string", "maxLength": 128},
                  "nip": {"type": "string", "pattern": "^[0-9]{18}$"},
                  "nik": {"type": "string", "pattern": "^[0-9]{16}$"},
                  "email": {"type": "string", "format": "email"},
                  "phone": {"type": "string"},
                  "unit": {"type": "string", "maxLength": 200},
                  "position": {"type": "string", "maxLength": 200},
                  "recommendationLetter": {"type": "string", "contentMediaType": "application/pdf"},
                  "jobDecree": {"type": "string", "contentMediaType": "application/pdf"}
                }
              }}}
            },
            "responses": {
              "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestSummary"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/requests/{requestID}": {
          "get": {
            "operationId": "getRequest",
            "summary": "A request with its timeline and the events this key may cause now",
            "parameters": [{"$ref": "#/components/parameters/RequestID"}],
            "responses": {
              "200": {"description": "The request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestDetail"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/requests/{requestID}/actions": {
          "post": {
            "operationId": "actOnRequest",
            "summary": "Cause an agency-level event (forward_to_ca, return_to_applicant, confirm_data, return_data)",
            "parameters": [{"$ref": "#/components/parameters/RequestID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object",
              "required": ["event", "version"],
              "properties": {
                "event": {"type": "string"},
                "version": {"type": "integer", "description": "The version last read; the action fails with 409 if it changed"},
                "reason": {"type": "string", "maxLength": 1000},
                "note": {"type": "string", "maxLength": 1000},
                "checklist": {"type": "array", "description": "SOP step 2's checklist items the agency confirms; forward_to_ca needs all three (else 422 checklist_incomplete)",
                              "items": {"type": "string", "enum": ["letter_signed", "decree_matches", "email_official"]}}
              }
            }}}},
            "responses": {
              "200": {"description": "The request after the event", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestSummary"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/certificates": {
          "get": {
            "operationId": "listCertificates",
            "summary": "The agency's certificates and certificate requests, oldest first",
            "parameters": [
              {"name": "status", "in": "query", "required": false, "schema": {"$ref": "#/components/schemas/CertificateStatus"}},
              {"name": "holder", "in": "query", "required": false, "schema": {"type": "string"}, "description": "the holder's username (NIP)"},
              {"name": "page", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}}
            ],
            "responses": {
              "200": {"description": "A page of certificates", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CertificatePage"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"}
            }
          },
          "post": {
            "operationId": "requestCertificate",
            "summary": "Request a certificate for a verified holder of the agency: with a PKCS#10 CSR (PEM), or with a passphrase under which AMS wraps the key it generates (the key never leaves AMS; the passphrase is not stored)",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["holder"],
              "properties": {"holder": {"type": "string"}, "csr": {"type": "string"}, "passphrase": {"type": "string", "minLength": 12, "maxLength": 1024}}}}}},
            "responses": {
              "201": {"description": "Requested (pending a CA operator's approval, or issued when approval is off)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Certificate"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/certificates/{certificateID}": {
          "get": {
            "operationId": "getCertificate",
            "summary": "One certificate, with its PEM once issued",
            "parameters": [{"$ref": "#/components/parameters/CertificateID"}],
            "responses": {
              "200": {"description": "The certificate", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Certificate"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/certificates/{certificateID}/revoke": {
          "post": {
            "operationId": "revokeCertificate",
            "summary": "Revoke an issued certificate with an RFC 5280 reason; the CRL is regenerated at once and OCSP answers revoked",
            "parameters": [{"$ref": "#/components/parameters/CertificateID"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
              "type": "object", "required": ["reason"],
              "properties": {"reason": {"type": "string", "enum": ["unspecified", "keyCompromise", "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn"]},
                             "invalidityDate": {"type": "string", "format": "date-time"}}}}}},
            "responses": {
              "200": {"description": "Revoked", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Certificate"}}}},
              "401": {"$ref": "#/components/responses/Error"},
              "404": {"$ref": "#/components/responses/Error"},
              "409": {"$ref": "#/components/responses/Error"},
              "422": {"$ref": "#/components/responses/Error"}
            }
          }
        }
      },
      "components": {
        "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "An agency API key (ams_…) issued by an AMS administrator"}},
        "parameters": {"RequestID": {"name": "requestID", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
                       "CertificateID": {"name": "certificateID", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}},
        "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        "schemas": {
          "Status": {"type": "string", "enum": ["submitted", "returned_by_agency", "forwarded_to_ca", "new_request_requested", "activation_sent", "data_submitted", "agency_confirmed", "data_returned", "verified", "withdrawn"]},
          "Step": {"type": "string", "enum": ["agency_check", "ca_registration", "applicant_data", "verification"]},
          "RequestSummary": {
            "type": "object",
            "required": ["id", "trackingNumber", "status", "version", "fullName", "nip", "createdAt"],
            "properties": {
              "id": {"type": "string", "format": "uuid"},
              "trackingNumber": {"type": "string"},
              "status": {"$ref": "#/components/schemas/Status"},
              "version": {"type": "integer"},
              "fullName": {"type": "string"},
              "nip": {"type": "string"},
              "createdAt": {"type": "string", "format": "date-time"},
              "currentStep": {"$ref": "#/components/schemas/Step"},
              "stepStartedAt": {"type": "string", "format": "date-time"}
            }
          },
          "RequestPage": {
            "type": "object",
            "required": ["items", "page", "pageCount", "total"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/RequestSummary"}},
              "page": {"type": "integer"}, "pageCount": {"type": "integer"}, "total": {"type": "integer"}
            }
          },
          "RequestDetail": {
            "type": "object",
            "required": ["request", "timeline", "allowedEvents"],
            "properties": {
              "request": {"$ref": "#/components/schemas/RequestSummary"},
              "lastReason": {"type": "string"},
              "timeline": {"type": "array", "items": {"type": "object", "properties": {
                "event": {"type": "string"}, "fromStatus": {"$ref": "#/components/schemas/Status"}, "toStatus": {"$ref": "#/components/schemas/Status"},
                "level": {"type": "string"}, "reason": {"type": "string"}, "occurredAt": {"type": "string", "format": "date-time"}}}},
              "allowedEvents": {"type": "array", "items": {"type": "string"}}
            }
          },
          "CertificateStatus": {"type": "string", "enum": ["pending", "rejected", "issuing", "issued", "revoked", "void"]},
          "Certificate": {
            "type": "object",
            "required": ["id", "holder", "status", "method", "version", "subject", "keyAlgorithm", "requestedAt"],
            "properties": {
              "id": {"type": "string", "format": "uuid"},
              "holder": {"type": "string"},
              "status": {"$ref": "#/components/schemas/CertificateStatus"},
              "method": {"type": "string", "enum": ["generated", "csr"]},
              "version": {"type": "integer"},
              "subject": {"type": "string"},
              "serial": {"type": "string", "description": "lower-case hexadecimal"},
              "keyAlgorithm": {"type": "string"},
              "requestedAt": {"type": "string", "format": "date-time"},
              "notBefore": {"type": "string", "format": "date-time"},
              "notAfter": {"type": "string", "format": "date-time"},
              "revokedAt": {"type": "string", "format": "date-time"},
              "revocationReason": {"type": "string"},
              "certificatePEM": {"type": "string"}
            }
          },
          "CertificatePage": {
            "type": "object",
            "required": ["items", "page", "pageCount", "total"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/Certificate"}},
              "page": {"type": "integer"}, "pageCount": {"type": "integer"}, "total": {"type": "integer"}
            }
          },
          "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
              "code": {"type": "string"}, "message": {"type": "string"}, "request_id": {"type": "string"},
              "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}
          }
        }
      }
    }
    """#
}
