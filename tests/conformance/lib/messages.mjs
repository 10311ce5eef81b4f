// The official request messages the suite sends, written by hand from the shapes of the interface
// (crates/onshi-core/tests/fixtures/wire/*.xml, docs/interface.md), never with the project's
// own encoders. A Shift_JIS message is built from ASCII content only, which is the same bytes in
// Shift_JIS; a character it cannot carry may still come in through a character reference.
import { escapeText } from './xml.mjs';

/** The training data's 新橋 太郎 of seed 000 (06139000, 昭和29年3月26日; decisions.md D10). */
export const TRAINING_TARO = Object.freeze({
  insurer: '06139000',
  symbol: '9000',
  number: '10001',
  branch: '01',
  birthdate: '19540326',
  name: '新橋　太郎',
});

/** The other 新橋 太郎 (31130842 サンプル保険者, 平成23年1月1日), whose 照会番号 the suite may change. */
export const TRAINING_TARO_2 = Object.freeze({
  insurer: '31130842',
  symbol: '2022',
  number: '010001',
  branch: '01',
  birthdate: '20110101',
  name: '新橋　太郎',
});

function declaration(encoding) {
  return `<?xml version="1.0" encoding="${encoding}" standalone="no"?>\n`;
}

/** The bytes of a message: UTF-8, or Shift_JIS from ASCII-only text. */
export function messageBytes(text, encoding = 'UTF-8') {
  if (encoding === 'UTF-8') return Buffer.from(text, 'utf8');
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(text)) {
    throw new Error('a Shift_JIS message of the suite must be ASCII (use character references)');
  }
  return Buffer.from(text, 'latin1');
}

function optional(tag, value) {
  return value === undefined || value === null ? '' : `<${tag}>${escapeText(value)}</${tag}>\n`;
}

/** `<QualificationConfirmSearchInfo>` for a card and birthdate. */
function searchInfo(card, { limitFlag } = {}) {
  return (
    '<QualificationConfirmSearchInfo>\n' +
    optional('InsurerNumber', card.insurer) +
    optional('InsuredCardSymbol', card.symbol) +
    optional('InsuredIdentificationNumber', card.number) +
    optional('InsuredBranchNumber', card.branch) +
    optional('Birthdate', card.birthdate) +
    optional('LimitApplicationCertificateRelatedConsFlg', limitFlag) +
    '</QualificationConfirmSearchInfo>\n'
  );
}

/**
 * OQSsiquc01req: 資格確認 by insurance-card data. `date` is YYYYMMDD (Tokyo); `fileIdRaw` is put into
 * ArbitraryFileIdentifier without escaping (for character references).
 */
export function siquc01req({ institution, date, card, limitFlag = '0', fileId, fileIdRaw, encoding = 'UTF-8' }) {
  const text =
    declaration(encoding) +
    '<XmlMsg>\n<MessageHeader>\n' +
    `<QualificationConfirmationDate>${date}</QualificationConfirmationDate>\n` +
    `<MedicalInstitutionCode>${escapeText(institution)}</MedicalInstitutionCode>\n` +
    (fileIdRaw !== undefined ? `<ArbitraryFileIdentifier>${fileIdRaw}</ArbitraryFileIdentifier>\n` : optional('ArbitraryFileIdentifier', fileId)) +
    '</MessageHeader>\n<MessageBody>\n' +
    searchInfo(card, { limitFlag }) +
    '</MessageBody>\n</XmlMsg>\n';
  return messageBytes(text, encoding);
}

/** OQSsiimm01req: 照会番号登録 for one card. */
export function siimm01req({ institution, reference, card, fileId, encoding = 'UTF-8' }) {
  const text =
    declaration(encoding) +
    '<XmlMsg>\n<MessageHeader>\n' +
    `<MedicalInstitutionCode>${escapeText(institution)}</MedicalInstitutionCode>\n` +
    optional('ArbitraryFileIdentifier', fileId) +
    '</MessageHeader>\n<MessageBody>\n<ReferenceNumberRegistrationInfo>\n' +
    `<ReferenceNumber>${escapeText(reference)}</ReferenceNumber>\n` +
    optional('InsurerNumber', card.insurer) +
    optional('InsuredCardSymbol', card.symbol) +
    optional('InsuredIdentificationNumber', card.number) +
    optional('InsuredBranchNumber', card.branch) +
    '</ReferenceNumberRegistrationInfo>\n</MessageBody>\n</XmlMsg>\n';
  return messageBytes(text, encoding);
}

/** OQSmuquc01req (and the other search kinds' 01req): one search per card. */
export function muquc01req({ institution, cards, fileId, encoding = 'UTF-8' }) {
  const text =
    declaration(encoding) +
    '<XmlMsg>\n<MessageHeader>\n' +
    `<MedicalInstitutionCode>${escapeText(institution)}</MedicalInstitutionCode>\n` +
    optional('ArbitraryFileIdentifier', fileId) +
    '</MessageHeader>\n<MessageBody>\n' +
    cards.map((card) => searchInfo(card)).join('') +
    '</MessageBody>\n</XmlMsg>\n';
  return messageBytes(text, encoding);
}

/**
 * YZKsiquc01req / TKKsiquc01req: 薬剤情報 or 特定健診情報 for a card. Their header spells the card's
 * elements differently (InsuranceCardSymbol, InsuredPersonIdentificationNumber, BranchNumber).
 */
export function medicalReq({ institution, card, fileId, encoding = 'UTF-8' }) {
  const text =
    declaration(encoding) +
    '<XmlMsg>\n<MessageHeader>\n' +
    `<MedicalInstitutionCode>${escapeText(institution)}</MedicalInstitutionCode>\n` +
    optional('InsurerNumber', card.insurer) +
    optional('InsuranceCardSymbol', card.symbol) +
    optional('InsuredPersonIdentificationNumber', card.number) +
    optional('BranchNumber', card.branch) +
    optional('ArbitraryFileIdentifier', fileId) +
    '</MessageHeader>\n<MessageBody>\n' +
    '<FileCategory>2</FileCategory>\n' +
    '<PrDiInfClassification>1</PrDiInfClassification>\n' +
    '</MessageBody>\n</XmlMsg>\n';
  return messageBytes(text, encoding);
}
